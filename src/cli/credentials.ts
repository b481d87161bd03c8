// The CLI's way into the session's credential resolver (src/session.ts), for login, logout and
// the auth commands, which need the stores themselves rather than the transport's lookups.
import type { CredentialResolver } from '../config/credentials/select.js';
import type { CliContext } from './context.js';

export { ENV_AUTH_WARNING } from '../session.js';

/** Loads config.json once per process; rejects with ConfigError when it is unusable (login names the file). */
export async function openCredentialResolver(ctx: CliContext): Promise<CredentialResolver> {
  return (await ctx.session()).credentialResolver();
}
