// What `regctl copy` does once its flags are parsed (the registration is commands/copy.ts):
// parse both locations, expand -a into one pair per tag, copy each pair on the transfer engine
// and report it as `docker push` does.
import { UsageError } from '../../errors.js';
import { parsePlatform } from '../../oci/platform.js';
import { copy, destinationFor, destinationNames } from '../../ops/copy.js';
import type { LocationContext } from '../../ops/open-location.js';
import { formatLocation, parseLocation, type Location } from '../../reference/location.js';
import { listTags } from '../../store/remote/tags.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { resolveProgressMode } from '../progress/progress-mode.js';
import { pushRenderer } from '../progress/push-renderer.js';
import { pushEventsOf } from '../progress/push-words.js';

export interface CopyFlags {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
  progress?: string;
}

async function tagPairs(ctx: CliContext, from: Location, to: Location): Promise<[Location, Location][]> {
  if (from.transport !== 'docker' || to.transport !== 'docker') throw new UsageError('--all-tags copies between registries only');
  const src = from.ref;
  const dst = to.ref;
  if (!src.tagDefaulted || src.digest || !dst.tagDefaulted || dst.digest) throw new UsageError("tag can't be used with --all-tags/-a");
  const remote = await ctx.remote();
  const tags = await withErrorContext({ action: 'tags' as const, ref: src.familiarName(), repository: src.familiarName(), registry: src.registry }, () =>
    listTags(remote, src, { signal: ctx.signal }),
  );
  if (tags.length === 0) throw new UsageError(`${src.familiarName()} has no tags to copy`);
  return [...tags].sort().map((t) => [
    { transport: 'docker', ref: src.withTag(t) },
    { transport: 'docker', ref: dst.withTag(t) },
  ]);
}

export async function runCopy(ctx: CliContext, source: string, destination: string, flags: CopyFlags): Promise<void> {
  const from = parseLocation(source);
  const to = parseLocation(destination);
  if (from.transport === 'store' && to.transport === 'store') throw new UsageError('both sides are the local store: use regctl tag');
  const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
  const pairs = flags.allTags ? await tagPairs(ctx, from, to) : [[from, destinationFor(from, to)] as [Location, Location]];
  const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
  const lines = mode === 'plain' || mode === 'tty';
  const locations: LocationContext = { remote: () => ctx.remote(), store: () => ctx.store(), signal: ctx.signal };
  if (lines) ctx.out(`The push refers to ${to.transport === 'docker' ? `repository [${to.ref.name()}]` : formatLocation(to)}`);
  const render = pushRenderer(mode, ctx.io.stdout);
  for (const [src, dst] of pairs) {
    // Named as copy names its result: the destination with its final tag.
    const onProgress = pushEventsOf(render, destinationNames(destinationFor(src, dst)));
    // No push/pull wording here: a failure may come from either side, and names its location.
    const result = await copy(locations, src, dst, { signal: ctx.signal, onProgress, ...(platform ? { platform } : {}) });
    if (lines) ctx.out(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
    ctx.debug(`copied ${formatLocation(src)} -> ${result.ref}: ${result.pushed} written (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
  }
  if (mode === 'quiet') ctx.out(flags.allTags && to.transport === 'docker' ? to.ref.name() : formatLocation(pairs[0]![1]));
}
