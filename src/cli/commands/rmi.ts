// `regctl rmi [-f] IMAGE...`: untag images and delete the content no other image uses.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface RmiFlags {
  force?: boolean;
}

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
      const { removeImage } = await import('../../ops/remove-image.js');
      const { ArgumentErrors } = await import('../argument-errors.js');
      const store = await ctx.store({ create: false });
      const errors = new ArgumentErrors();
      for (const input of inputs) {
        try {
          const result = await removeImage(store, input, { force: !!flags.force });
          for (const name of result.untagged) ctx.out(`Untagged: ${name}`);
          for (const digest of result.deleted) ctx.out(`Deleted: ${digest}`);
          if (result.gcDoubts.length > 0) ctx.warnOnce(`blobs were kept: ${result.gcDoubts[0]}`);
        } catch (err) {
          errors.add(err);
        }
      }
      // docker: with -f, images that do not exist are reported but are not a failure.
      if (flags.force && errors.count > 0 && errors.allNotFound()) {
        for (const message of errors.messages()) ctx.err(`Error: ${message}`);
        return;
      }
      errors.throwIfAny();
    });
}
