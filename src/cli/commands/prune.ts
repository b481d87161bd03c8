// `regctl prune`: delete what no image in the store uses (unreferenced blobs) and every partial
// download left by interrupted pulls that no running process is writing. docker's
// `image prune -a` output shape: one `deleted:` line per blob, then the space reclaimed.
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
      const { humanSize } = await import('../format/go-units.js');
      const store = await ctx.store({ create: false });
      // Age 0: a partial is stale as soon as no live process holds its claim.
      const result = await store.gc({ partialMaxAgeMs: 0 });
      for (const doubt of result.doubts) ctx.warnOnce(`nothing was deleted: ${doubt}`);
      if (result.removed.length > 0) {
        ctx.out('Deleted Images:');
        for (const digest of result.removed) ctx.out(`deleted: ${digest}`);
        ctx.out('');
      }
      if (result.stagingRemoved > 0) ctx.out(`Removed ${result.stagingRemoved} partial download file${result.stagingRemoved === 1 ? '' : 's'}`);
      ctx.out(`Total reclaimed space: ${humanSize(result.freedBytes)}`);
    });
}
