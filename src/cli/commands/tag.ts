// `regctl tag SOURCE[:TAG] TARGET[:TAG]`: a new name for an image in the local store.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerTag(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE (local store only)')
    .argument('<source>', 'SOURCE_IMAGE[:TAG], a name or an image ID (prefix)')
    .argument('<target>', 'TARGET_IMAGE[:TAG]; an existing name is replaced')
    .addHelpText(
      'after',
      `
Examples:
  regctl tag busybox localhost:5000/tools/busybox:1.36
  regctl tag 3f57d9401f8d myapp:candidate`,
    )
    .action(async (source: string, target: string, _flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const { tagImage } = await import('../../ops/tag-image.js');
      await tagImage(await ctx.store({ create: false }), source, target);
    });
}
