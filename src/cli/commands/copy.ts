// `regctl copy SRC DST [-a]`: registry to registry, without the local store.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface CopyFlags {
  allTags?: boolean;
  quiet?: boolean;
  progress?: string;
}

export function registerCopy(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('copy')
    .alias('cp')
    .description('Copy an image (every platform, digests unchanged) from one registry or repository to another')
    .argument('<source>', 'SOURCE[:TAG|@DIGEST]')
    .argument('<destination>', 'DESTINATION[:TAG] (without a tag: the source tag)')
    .option('-a, --all-tags', 'copy every tag of the source repository')
    .option('-q, --quiet', 'print only the destination reference')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .addHelpText(
      'after',
      `
Each side uses its own stored credentials. Blobs the destination has are skipped, blobs on the
same registry are mounted, others stream from source to destination without touching the disk.

Examples:
  regctl copy busybox:1.36 localhost:5000/tools/busybox:1.36
  regctl copy -a ghcr.io/org/app registry.example.com/mirror/app
  regctl copy localhost:5000/team/app:1.0 localhost:5000/release/app:1.0`,
    )
    .action(async (source: string, destination: string, flags: CopyFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { parseReference } = await import('../../reference/parse.js');
      const { resolveProgressMode } = await import('../progress/progress-mode.js');
      const { pushRenderer } = await import('../progress/push-renderer.js');
      const { copyImage } = await import('../../ops/copy.js');
      const src = parseReference(source);
      const dst = parseReference(destination);
      if (flags.allTags && (!src.tagDefaulted || src.digest || !dst.tagDefaulted || dst.digest)) throw new UsageError("tag can't be used with --all-tags/-a");
      const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
      const lines = mode === 'plain' || mode === 'tty';
      const remote = await ctx.remote();
      let pairs: [ReturnType<typeof parseReference>, ReturnType<typeof parseReference>][];
      if (flags.allTags) {
        const { listTags } = await import('../../store/remote/tags.js');
        const tags = await withErrorContext({ action: 'tags' as const, ref: src.familiarName(), repository: src.familiarName(), registry: src.registry }, () =>
          listTags(remote, src, { signal: ctx.signal }),
        );
        if (tags.length === 0) throw new UsageError(`${src.familiarName()} has no tags to copy`);
        pairs = [...tags].sort().map((t) => [src.withTag(t), dst.withTag(t)]);
      } else {
        // Without a destination tag the source's is kept (a digest source: put by digest).
        const target = !dst.tagDefaulted || dst.digest ? dst : src.digest && src.tagDefaulted ? dst.withDigest(src.digest) : dst.withTag(src.tag ?? 'latest');
        pairs = [[src, target]];
      }
      if (lines) ctx.out(`The push refers to repository [${dst.name()}]`);
      const render = pushRenderer(mode, ctx.io.stdout);
      for (const [from, to] of pairs) {
        // No push/pull wording here: a failure may come from either side, and names its registry.
        const result = await copyImage(remote, from, to, { signal: ctx.signal, onProgress: render });
        if (lines) ctx.out(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
        ctx.debug(`copied ${from.toString()} -> ${result.ref}: ${result.pushed} uploaded (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
      }
      if (mode === 'quiet') ctx.out(flags.allTags ? dst.name() : pairs[0]![1].toString());
    });
}
