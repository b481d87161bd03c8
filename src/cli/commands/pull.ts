// `regctl pull NAME[:TAG|@DIGEST]`: docker's pull into the local OCI store, with docker's output.
// The flags and help; the work is actions/pull.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { PullFlags } from '../actions/pull.js';
import type { CliContext } from '../context.js';

export function registerPull(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('pull')
    .description('Download an image from a registry into the local store')
    .argument('<name>', 'NAME[:TAG|@DIGEST], e.g. busybox, quay.io/org/app:1.0')
    .option('-a, --all-tags', 'download all tagged images in the repository')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image (default: this machine)')
    .option('--all-platforms', 'keep the whole index and every platform\'s blobs')
    .option('-q, --quiet', 'print only the full image reference')
    .option('--verify', 're-hash blobs the store already has instead of trusting their size; corrupt ones are fetched again')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .addHelpText(
      'after',
      `
Examples:
  regctl pull busybox
  regctl pull --platform linux/arm64 alpine:3.20
  regctl pull -q ghcr.io/org/app@sha256:0123...
  regctl pull --verify busybox
  regctl --store ./store pull localhost:5000/team/app:1.0`,
    )
    .action(async (input: string, flags: PullFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runPull } = await import('../actions/pull.js');
      await runPull(ctx, input, flags);
    });
}
