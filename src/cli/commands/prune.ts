// `regctl prune`: delete what no image in the store uses (unreferenced blobs) and every partial
// download left by interrupted pulls that no running process is writing. docker's
// `image prune -a` output shape: one `deleted:` line per blob, then the space reclaimed.
// The help; the work is actions/prune.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerPrune(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('prune')
    .description('Remove blobs no image uses and partial downloads of interrupted pulls from the local store')
    .addHelpText(
      'after',
      `
Examples:
  regctl prune
  regctl --store ./store prune`,
    )
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const { runPrune } = await import('../actions/prune.js');
      await runPrune(ctx);
    });
}
