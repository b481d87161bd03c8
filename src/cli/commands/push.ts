// `regctl push NAME[:TAG]`: docker's push from the local OCI store, with docker's output.
// The flags and help; the work is actions/push.ts, loaded when the command runs.
import { InvalidArgumentError, type Command } from 'commander';
import type { PushFlags } from '../actions/push.js';
import type { CliContext } from '../context.js';

function parseChunkSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive number of bytes, e.g. 5242880');
  }
  return n;
}

export function registerPush(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('push')
    .description('Upload an image from the local store to a registry')
    .argument('<name>', 'NAME[:TAG], e.g. localhost:5000/team/app:1.0 (the name says which registry)')
    .option('-a, --all-tags', 'push all tags of the repository that are in the local store')
    .option('--platform <os/arch[/variant]>', 'push only this platform of a multi-platform image, under the tag')
    .option('-q, --quiet', 'print only the full image reference')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .option('--chunk-size <bytes>', 'upload in PATCH requests of this many bytes (default: one request per blob)', parseChunkSize)
    .addHelpText(
      'after',
      `
Examples:
  regctl tag busybox localhost:5000/tools/busybox:1.36
  regctl push localhost:5000/tools/busybox:1.36
  regctl push -a ghcr.io/org/app
  regctl push --platform linux/arm64 registry.example.com/team/app:2.0`,
    )
    .action(async (input: string, flags: PushFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runPush } = await import('../actions/push.js');
      await runPush(ctx, input, flags);
    });
}
