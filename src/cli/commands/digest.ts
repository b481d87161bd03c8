// `regctl digest REF`: the manifest digest, from a HEAD request (no pull counted on Docker Hub).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

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
      const { parseReference } = await import('../../reference/parse.js');
      const ref = parseReference(input);
      await withErrorContext({ action: 'digest', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
        const { manifestDigest } = await import('../../ops/manifest-digest.js');
        const { digest, via } = await manifestDigest(await ctx.remote(), ref, { signal: ctx.signal });
        if (via === 'get') ctx.debug(`${ref.registry} sent no Docker-Content-Digest on HEAD; the manifest was fetched to compute it`);
        ctx.out(digest);
      });
    });
}
