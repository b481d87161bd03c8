// `regctl store check [--repair]`: an fsck of the local store (every blob re-hashed, every
// index.json entry walked). The help; the work is actions/store-check.ts, loaded when it runs.
import type { Command } from 'commander';
import type { StoreCheckFlags } from '../actions/store-check.js';
import type { CliContext } from '../context.js';

export function registerStore(program: Command, context: (cmd: Command) => CliContext): void {
  const store = program.command('store').description('Check the local store');
  store
    .command('check')
    .description('Re-hash every blob and walk every image of the local store; exit 1 when something is wrong')
    .option('--repair', 'remove corrupt blobs (a later pull fetches them again) and the images whose content is gone')
    .addHelpText(
      'after',
      `
Examples:
  regctl store check
  regctl --store ./store store check --repair`,
    )
    .action(async (flags: StoreCheckFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runStoreCheck } = await import('../actions/store-check.js');
      await runStoreCheck(ctx, flags);
    });
}
