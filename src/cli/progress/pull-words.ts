// docker pull's progress vocabulary, and the adapter that words the library's neutral transfer
// events (ops/transfer.ts) in it. The statuses are docker's user interface, so they live with
// the CLI that imitates it: the library reports what happened to which blob, and the CLI's plain
// lines, TTY bars and `--progress json` (pull-renderer.ts) all render these events.
import { shortId } from '../../oci/digest.js';
import type { ProgressListener, TransferEvent } from '../../ops/transfer.js';
import type { Reference } from '../../reference/parse.js';

/** docker's per-layer statuses, spelled as docker prints them. */
export type LayerStatus =
  | 'Pulling fs layer'
  | 'Waiting'
  | 'Downloading'
  | 'Verifying Checksum'
  | 'Download complete'
  | 'Pull complete'
  | 'Already exists'
  | 'Retrying';

export type PullEvent =
  | { type: 'pulling'; ref: string; repository: string; tag: string | undefined; tagDefaulted: boolean }
  | { type: 'resolved'; ref: string; digest: string; mediaType: string; platform?: string }
  | {
      type: 'layer';
      id: string;
      digest: string;
      status: LayerStatus;
      current?: number;
      total?: number;
      /** 'Retrying': the bytes kept (the next request asks for the rest), the wait and why. */
      offset?: number;
      delayMs?: number;
      reason?: string;
    }
  /** `digest` is what the reference resolved to (docker's "Digest:" line), an index included. */
  | { type: 'done'; ref: string; digest: string; upToDate: boolean };

/**
 * A pull's transfer events in docker pull's words and order: layers named by their short digest,
 * 'Verifying Checksum' and 'Download complete' as each arrives, 'Pull complete' in layer order
 * (docker extracts them one after another). Configs are not shown. One adapter per pull: it
 * remembers the layer order and the resolved digest.
 */
export function pullEventsOf(listener: ProgressListener<PullEvent>, ref: Reference): ProgressListener<TransferEvent> {
  const order: string[] = [];
  const arrived = new Set<string>();
  let completed = 0;
  let resolved: string | undefined;
  const layer = (digest: string, status: LayerStatus, extra: Partial<Extract<PullEvent, { type: 'layer' }>> = {}) =>
    listener({ type: 'layer', id: shortId(digest), digest, status, ...extra });
  return (event) => {
    switch (event.type) {
      case 'start':
        return listener({ type: 'pulling', ref: ref.toString(), repository: ref.repository, tag: ref.tag, tagDefaulted: ref.tagDefaulted });
      case 'resolved':
        resolved = event.digest;
        return listener({ type: 'resolved', ref: ref.toString(), digest: event.digest, mediaType: event.mediaType, ...(event.platform ? { platform: event.platform } : {}) });
      case 'blob': {
        if (event.layerId === undefined) return;
        const { digest } = event;
        if (event.state === 'exists') return layer(digest, 'Already exists');
        if (event.state === 'queued') {
          order.push(digest);
          return layer(digest, 'Pulling fs layer');
        }
        if (event.state === 'waiting') return layer(digest, 'Waiting');
        // Once per received chunk: one literal, in layer()'s field order, instead of two spreads.
        if (event.state === 'transferring') return listener({ type: 'layer', id: shortId(digest), digest, status: 'Downloading', current: event.current ?? 0, total: event.size });
        if (event.state === 'retrying') return layer(digest, 'Retrying', { offset: event.offset ?? 0, delayMs: event.delayMs ?? 0, reason: event.reason ?? '' });
        if (event.state !== 'done') return;
        layer(digest, 'Verifying Checksum');
        layer(digest, 'Download complete');
        arrived.add(digest);
        while (completed < order.length && arrived.has(order[completed]!)) layer(order[completed++]!, 'Pull complete');
        return;
      }
      case 'done':
        // The engine's digest is the image stored (one platform's manifest); docker reports the resolved one.
        return listener({ type: 'done', ref: ref.toString(), digest: resolved ?? event.digest, upToDate: event.unchanged ?? false });
      default:
        return;
    }
  };
}
