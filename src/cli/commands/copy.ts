// `regctl copy SRC DST [-a]`: registry to registry without the local store, or between the store
// (`store:NAME`) and a registry, on the same code path (src/ops/copy.ts copyBetween).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CopyOptions, CopyResult } from '../../ops/copy.js';
import type { Reference } from '../../reference/parse.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

const STORE_PREFIX = 'store:';

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
    .argument('<source>', 'SOURCE[:TAG|@DIGEST], or store:NAME for an image in the local store')
    .argument('<destination>', 'DESTINATION[:TAG] (without a tag: the source tag), or store:NAME')
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
  regctl copy localhost:5000/team/app:1.0 localhost:5000/release/app:1.0
  regctl copy store:busybox:latest localhost:5000/tools/busybox:latest     # from the local store
  regctl copy localhost:5000/team/app:1.0 store:localhost:5000/team/app:1.0 # into it, every platform`,
    )
    .action(async (source: string, destination: string, flags: CopyFlags, cmd: Command) => {
      const ctx = context(cmd);
      // One round of module loading instead of one per import (see pull.ts).
      const [{ parseReference }, { resolveProgressMode }, { pushRenderer }, { copyImage }] = await Promise.all([
        import('../../reference/parse.js'),
        import('../progress/progress-mode.js'),
        import('../progress/push-renderer.js'),
        import('../../ops/copy.js'),
      ]);
      const fromStore = source.startsWith(STORE_PREFIX);
      const toStore = destination.startsWith(STORE_PREFIX);
      if (fromStore && toStore) throw new UsageError('both sides are the local store: use regctl tag');
      if (flags.allTags && (fromStore || toStore)) throw new UsageError('--all-tags copies between registries only');
      const src = parseReference(fromStore ? source.slice(STORE_PREFIX.length) : source);
      const dst = parseReference(toStore ? destination.slice(STORE_PREFIX.length) : destination);
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
        const options = { signal: ctx.signal, onProgress: render };
        const result =
          fromStore || toStore
            ? await copyWithStore(ctx, fromStore ? source.slice(STORE_PREFIX.length) : undefined, from, to, toStore, options)
            : await copyImage(remote, from, to, options);
        if (lines) ctx.out(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
        ctx.debug(`copied ${from.toString()} -> ${result.ref}: ${result.pushed} uploaded (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
      }
      if (mode === 'quiet') ctx.out(flags.allTags ? dst.name() : pairs[0]![1].toString());
    });
}

/** One end is the local store: the same copy path with a store source or target. */
async function copyWithStore(
  ctx: CliContext,
  storeInput: string | undefined,
  from: Reference,
  to: Reference,
  toStore: boolean,
  options: CopyOptions,
): Promise<CopyResult> {
  const { copyBetween } = await import('../../ops/copy.js');
  const { remoteSource, remoteTarget, storeSource, storeTarget } = await import('../../ops/image-endpoints.js');
  const store = await ctx.store();
  const remote = await ctx.remote();
  const source = storeInput !== undefined ? await storeSource(store, storeInput) : remoteSource(remote, from, ctx.signal);
  const target = toStore ? storeTarget(store, to) : remoteTarget(remote, to);
  return copyBetween(source, target, options);
}
