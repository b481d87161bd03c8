// `regctl digest REF`: the manifest digest, from a HEAD request (no pull counted on Docker Hub).
// The argument and help; the work is actions/digest.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerDigest(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('digest')
    .description("Print an image's manifest digest (HEAD request: no pull counted against Docker Hub's quota)")
    .argument('<ref>', 'image reference, e.g. busybox, quay.io/org/app:1.0')
    .addHelpText(
      'after',
      `
For a multi-platform image this is the digest of the index (what docker pull NAME@DIGEST expects).
Only a registry that sends no Docker-Content-Digest header makes regctl GET the manifest.

Examples:
  regctl digest busybox
  regctl pull "alpine@$(regctl digest alpine:3.20)"`,
    )
    .action(async (input: string, _flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const { runDigest } = await import('../actions/digest.js');
      await runDigest(ctx, input);
    });
}
