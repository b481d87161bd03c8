// `regctl rmi [-f] IMAGE...`: untag images and delete the content no other image uses.
// The flags and help; the work is actions/rmi.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { RmiFlags } from '../actions/rmi.js';
import type { CliContext } from '../context.js';

export function registerRmi(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('rmi')
    .description('Remove one or more images from the local store (blobs other images use are kept)')
    .argument('<images...>', 'names (busybox, busybox:1.36, busybox@sha256:...) or image IDs (prefix)')
    .option('-f, --force', 'remove an image ID that has several names; only report missing images')
    .addHelpText(
      'after',
      `
Examples:
  regctl rmi busybox
  regctl rmi -f 3f57d9401f8d
  regctl rmi $(regctl images -q)`,
    )
    .action(async (inputs: string[], flags: RmiFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runRmi } = await import('../actions/rmi.js');
      await runRmi(ctx, inputs, flags);
    });
}
