// How `mutate` and `append` report, as `push` does: "The push refers to ..." once the new image is
// made (a refused source prints nothing but its error), each layer's line (the base's "already
// exist" or are mounted, new ones are pushed), the digest line, and with -q only REF@DIGEST.
import type { RewriteResult } from '../ops/image-rewrite.js';
import { destinationNames } from '../ops/copy.js';
import type { TransferEvent } from '../ops/transfer.js';
import { formatLocation, type Location } from '../reference/location.js';
import type { CliContext } from './context.js';
import { resolveProgressMode } from './progress/progress-mode.js';
import { pushRenderer } from './progress/push-renderer.js';
import { pushEventsOf } from './progress/push-words.js';

export interface RewriteReport {
  onProgress(event: TransferEvent): void;
  /** Prints the outcome (and warns of index entries left out). */
  done(result: RewriteResult, summary: string): void;
}

export function rewriteReport(ctx: CliContext, dst: Location, flags: { quiet?: boolean; progress?: string }): RewriteReport {
  const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
  const lines = mode === 'plain' || mode === 'tty';
  const render = pushEventsOf(pushRenderer(mode, ctx.io.stdout), destinationNames(dst));
  return {
    onProgress(event) {
      if (event.type === 'start' && lines) ctx.out(`The push refers to ${dst.transport === 'docker' ? `repository [${dst.ref.name()}]` : formatLocation(dst)}`);
      render(event);
    },
    done(result, summary) {
      for (const d of result.dropped) ctx.warnOnce(`left out index entry ${d.digest} (${d.artifactType ?? d.mediaType}): it is not an image and describes the old manifest`);
      if (lines) ctx.out(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
      ctx.debug(`${summary} -> ${result.pinned}: ${result.pushed} written (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
      if (mode === 'quiet') ctx.out(result.pinned);
    },
  };
}
