// `regctl logout [SERVER]` and `--all`: docker's messages; every key spelling is erased (ops/logout.ts).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { LogoutResult } from '../../ops/logout.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

interface LogoutFlags {
  all?: boolean;
}

export function registerLogout(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('logout')
    .description('Log out from a registry (default Docker Hub): remove its stored credentials')
    .argument('[server]', 'registry host[:port]')
    .option('--all', 'log out from every registry with stored credentials')
    .addHelpText(
      'after',
      `
Examples:
  regctl logout ghcr.io
  regctl logout --all`,
    )
    .action(async (server: string | undefined, flags: LogoutFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (flags.all && server !== undefined) throw new UsageError('cannot use --all with a SERVER argument');
      const { normalizeRegistryHost } = await import('../../reference/hosts.js');
      const registry = server ? normalizeRegistryHost(server) : 'docker.io';
      await withErrorContext({ action: 'other', registry }, async () => {
        const { openCredentialResolver } = await import('../credentials.js');
        const { logout, logoutAll } = await import('../../ops/logout.js');
        const resolver = await openCredentialResolver(ctx);
        if (flags.all) {
          const results = await logoutAll(resolver);
          if (results.length === 0) ctx.out('Not logged in to any registry');
          for (const result of results) print(ctx, result);
          return;
        }
        print(ctx, await logout(resolver, registry));
      });
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
