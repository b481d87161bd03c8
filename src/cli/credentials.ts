// Bridges config.json credential stores to the transport, with warnings routed to the CLI.
import type { CredentialResolver } from '../config/credentials/select.js';
import type { Credential } from '../transport/token.js';
import type { CliContext } from './context.js';

export const ENV_AUTH_WARNING = 'DOCKER_AUTH_CONFIG is set: its credentials take precedence over config.json and credential helpers';

/** Loads config.json once; login/logout use it directly, other commands through `resolve`. */
export async function openCredentialResolver(ctx: CliContext): Promise<CredentialResolver> {
  const { CredentialResolver } = await import('../config/credentials/select.js');
  const resolver = await CredentialResolver.create({
    configDirFlag: ctx.globals.config,
    env: ctx.io.env,
    onWarning: (message) => ctx.warnOnce(message),
    onHelperStderr: (text) => ctx.io.stderr.write(text),
  });
  if (resolver.usesEnvAuthConfig) ctx.warnOnce(ENV_AUTH_WARNING);
  return resolver;
}

export function createCliCredentialResolver(ctx: CliContext): (registry: string) => Promise<Credential | undefined> {
  let resolver: Promise<CredentialResolver | undefined> | undefined;
  return async (registry) => {
    // Like docker, an unusable config file does not stop anonymous access: warn and go on.
    resolver ??= openCredentialResolver(ctx).catch((err: unknown) => {
      ctx.warnOnce(`Error loading config file: ${(err as Error).message}`);
      return undefined;
    });
    const r = await resolver;
    return r ? r.resolve(registry) : undefined;
  };
}
