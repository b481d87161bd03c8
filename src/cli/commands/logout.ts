// `regctl logout [SERVER]` and `--all`: the flags and help; the work is actions/logout.ts,
// loaded when the command runs.
import type { Command } from 'commander';
import type { LogoutFlags } from '../actions/logout.js';
import type { CliContext } from '../context.js';

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
      const { runLogout } = await import('../actions/logout.js');
      await runLogout(ctx, server, flags);
    });
}
