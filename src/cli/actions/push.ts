// What `regctl push` does once its flags are parsed (the registration is commands/push.ts):
// docker's push from the local OCI store, with docker's output.
import { UsageError } from '../../errors.js';
import { parsePlatform } from '../../oci/platform.js';
import { push } from '../../ops/push.js';
import { localTags, noLocalImage } from '../../ops/push-plan.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { resolveProgressMode } from '../progress/progress-mode.js';
import { pushRenderer } from '../progress/push-renderer.js';
import { pushEventsOf } from '../progress/push-words.js';

export interface PushFlags {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
  progress?: string;
  chunkSize?: number;
}

export async function runPush(ctx: CliContext, input: string, flags: PushFlags): Promise<void> {
  const ref = parseReference(input);
  if (ref.digest) throw new UsageError('cannot push a digest reference');
  if (flags.allTags && !ref.tagDefaulted) throw new UsageError("tag can't be used with --all-tags/-a");
  const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
  const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
  const lines = mode === 'plain' || mode === 'tty';
  const errorContext = { action: 'push' as const, ref: ref.familiar(), repository: ref.familiarName(), registry: ref.registry };

  const store = await ctx.store({ create: false });
  if (lines && !flags.allTags && ref.tagDefaulted) ctx.out('Using default tag: latest');
  if (lines) ctx.out(`The push refers to repository [${ref.name()}]`);
  const tags = flags.allTags ? await localTags(store, ref) : [ref.tag ?? 'latest'];
  if (tags.length === 0) throw noLocalImage(ref);

  const remote = await ctx.remote();
  const render = pushRenderer(mode, ctx.io.stdout);
  for (const tag of tags) {
    const r = ref.withTag(tag);
    const result = await withErrorContext({ ...errorContext, ref: r.familiar() }, () =>
      push(remote, store, r, {
        ...(platform ? { platform } : {}),
        ...(flags.chunkSize ? { chunkSize: flags.chunkSize } : {}),
        signal: ctx.signal,
        onProgress: pushEventsOf(render, { ref: r.toString(), repository: r.name(), tag }),
      }),
    );
    if (lines) ctx.out(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
    ctx.debug(`pushed ${result.ref}: ${result.pushed} uploaded (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
  }
  if (mode === 'quiet') ctx.out(flags.allTags ? ref.name() : ref.toString());
}
