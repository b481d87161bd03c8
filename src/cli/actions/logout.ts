// What `regctl logout` does once its flags are parsed (the registration is commands/logout.ts):
// docker's messages; every key spelling is erased (ops/logout.ts).
import { UsageError } from '../../errors.js';
import { logout, logoutAll, type LogoutResult } from '../../ops/logout.js';
import { normalizeRegistryHost } from '../../reference/hosts.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { openCredentialResolver } from '../credentials.js';

export interface LogoutFlags {
  all?: boolean;
}

export async function runLogout(ctx: CliContext, server: string | undefined, flags: LogoutFlags): Promise<void> {
  if (flags.all && server !== undefined) throw new UsageError('cannot use --all with a SERVER argument');
  const registry = server ? normalizeRegistryHost(server) : 'docker.io';
  await withErrorContext({ action: 'other', registry }, async () => {
    const resolver = await openCredentialResolver(ctx);
    if (flags.all) {
      const results = await logoutAll(resolver);
      if (results.length === 0) ctx.out('Not logged in to any registry');
      for (const result of results) print(ctx, result);
      return;
    }
    print(ctx, await logout(resolver, registry));
  });
}

function print(ctx: CliContext, result: LogoutResult): void {
  if (!result.found) {
    ctx.out(`Not logged in to ${result.key}`);
    return;
  }
  ctx.out(`Removing login credentials for ${result.key}`);
  if (result.failures.length === 0) return;
  ctx.err('WARNING: could not erase credentials:');
  for (const failure of result.failures) ctx.err(`${failure.key}: ${failure.message}`);
}
