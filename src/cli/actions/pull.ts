// What `regctl pull` does once its flags are parsed (the registration is commands/pull.ts):
// docker's pull into the local OCI store, with docker's output.
import { UsageError } from '../../errors.js';
import { parsePlatform } from '../../oci/platform.js';
import { pull } from '../../ops/pull.js';
import { parseReference, type Reference } from '../../reference/parse.js';
import { listTags } from '../../store/remote/tags.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { PullSourceTracker, sourceLine } from '../progress/mirror-source.js';
import { resolveProgressMode } from '../progress/progress-mode.js';
import { pullRenderer } from '../progress/pull-renderer.js';
import { pullEventsOf } from '../progress/pull-words.js';

export interface PullFlags {
  allTags?: boolean;
  platform?: string;
  allPlatforms?: boolean;
  quiet?: boolean;
  verify?: boolean;
  progress?: string;
}

export async function runPull(ctx: CliContext, input: string, flags: PullFlags): Promise<void> {
  const ref = parseReference(input);
  const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
  const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
  if (flags.allTags && !ref.tagDefaulted) throw new UsageError("tag can't be used with --all-tags/-a");
  if (flags.allPlatforms && platform) throw new UsageError('--platform and --all-platforms cannot be combined');

  // Opening (on first use: creating) the store and setting up the registry client overlap.
  const [store, remote] = await Promise.all([ctx.store(), ctx.remote()]);
  const render = pullRenderer(mode, ctx.io.stdout);
  const loud = mode !== 'quiet';
  const json = mode === 'json';

  const pullOne = (r: Reference) =>
    withErrorContext({ action: 'pull', ref: r.familiar(), repository: r.familiarName(), registry: r.registry }, async () => {
      // With mirrors configured, say which endpoint served the pull.
      const sources = new PullSourceTracker();
      const unsubscribe = remote.onMirrorRead(sources.record);
      const result = await pull(remote, store, r, {
        ...(platform ? { platform } : {}),
        ...(flags.allPlatforms ? { allPlatforms: true } : {}),
        ...(flags.verify ? { verify: true, onCorruptBlob: (d: string) => ctx.warnOnce(`blob ${d} in the store was corrupt; fetching it again`) } : {}),
        signal: ctx.signal,
        // One adapter per pull: it tracks that pull's layer order. -q renders nothing, so it
        // listens to nothing (the library then skips the per-chunk byte events).
        ...(loud ? { onProgress: pullEventsOf(render, r) } : {}),
      }).finally(unsubscribe);
      const served = sources.summary(r.toString());
      if (served && json) ctx.io.stdout.write(JSON.stringify(served) + '\n');
      else if (served && loud) ctx.err(sourceLine(served));
      if (mode === 'plain' || mode === 'tty') {
        ctx.out(`Digest: ${result.digest}`);
        ctx.out(`Status: ${result.upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${r.familiar()}`);
      }
      return result;
    });

  if (flags.allTags) {
    const tags = await withErrorContext({ action: 'pull', ref: ref.familiarName(), repository: ref.familiarName(), registry: ref.registry }, () =>
      listTags(remote, ref, { signal: ctx.signal }),
    );
    for (const tag of tags) await pullOne(ref.withTag(tag));
    if (!json) ctx.out(ref.name());
    return;
  }
  // --progress json is JSON Lines: docker's text lines would break a reader (the events carry them).
  if (ref.tagDefaulted && loud && !json) ctx.out('Using default tag: latest');
  await pullOne(ref);
  if (!json) ctx.out(ref.digest ? `${ref.name()}@${ref.digest}` : ref.toString());
}
