// `regctl tag SOURCE[:TAG] TARGET[:TAG]`: a new name for an image in the local store.
// The arguments and help; the work is actions/tag.ts, loaded when the command runs.
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
      const { runTag } = await import('../actions/tag.js');
      await runTag(ctx, source, target);
    });
}
