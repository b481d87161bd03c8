// What `regctl copy` does once its flags are parsed (the registration is commands/copy.ts):
// parse both locations, expand -a into one pair per tag, copy each pair on the transfer engine
// and report it as `docker push` does.
import { UsageError } from '../../errors.js';
import { parsePlatform } from '../../oci/platform.js';
import { copy, destinationFor, destinationNames, referrerNames, type CopiedReferrer, type ReferrerEvent } from '../../ops/copy.js';
import type { ProgressListener, TransferEvent } from '../../ops/transfer.js';
import type { LocationContext } from '../../ops/open-location.js';
import { formatLocation, parseLocation, type Location } from '../../reference/location.js';
import { listTags } from '../../store/remote/tags.js';
import { withErrorContext } from '../command-error.js';
import { escapeControls } from '../terminal-text.js';
import type { CliContext } from '../context.js';
import { resolveProgressMode } from '../progress/progress-mode.js';
import { pushRenderer } from '../progress/push-renderer.js';
import { pushEventsOf } from '../progress/push-words.js';

export interface CopyFlags {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
  progress?: string;
  referrers?: boolean;
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
    // Named as copy names its result: the destination with its final tag; each referrer by its digest.
    const target = destinationFor(src, dst);
    const names = destinationNames(target);
    let words = pushEventsOf(render, names);
    let imageDone = false;
    const onProgress: ProgressListener<TransferEvent> = (e) => {
      words(e);
      // docker's last line for the image, before its referrers follow.
      if (e.type === 'done' && !imageDone && lines) ctx.out(`${names.tag}: digest: ${e.digest} size: ${e.size}`);
      if (e.type === 'done') imageDone = true;
    };
    const onReferrer = (e: ReferrerEvent) => {
      if (e.type === 'copying') words = pushEventsOf(render, referrerNames(target, e.descriptor.digest));
      else if (lines) ctx.out(referrerLine(e.referrer));
    };
    // No push/pull wording here: a failure may come from either side, and names its location.
    const result = await copy(locations, src, dst, { signal: ctx.signal, onProgress, ...(platform ? { platform } : {}), ...(flags.referrers ? { referrers: true, onReferrer } : {}) });
    ctx.debug(`copied ${formatLocation(src)} -> ${result.ref}: ${result.pushed} written (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
    if (result.referrers) ctx.debug(`copied ${result.referrers.length} referrer${result.referrers.length === 1 ? '' : 's'} of ${formatLocation(src)}`);
  }
  if (mode === 'quiet') ctx.out(flags.allTags && to.transport === 'docker' ? to.ref.name() : formatLocation(pairs[0]![1]));
}

/** One line per referrer copied, in the shape of docker's `TAG: digest: D size: N`. */
function referrerLine(r: CopiedReferrer): string {
  return `referrer ${escapeControls(r.artifactType ?? '<unknown>')} of ${r.subject}: digest: ${r.digest} size: ${r.size}`;
}
