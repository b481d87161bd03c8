// Typed progress events of long operations. The library only emits them; the CLI's plain
// lines, TTY bars and `--progress json` are renderers of these same events.
import { shortId } from '../oci/digest.js';
import type { Reference } from '../reference/parse.js';
import type { TransferEvent } from './transfer.js';

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
  | { type: 'done'; ref: string; digest: string; upToDate: boolean };

export type ProgressListener<E> = (event: E) => void;

/**
 * A transfer's events as pull's, in docker pull's words and order: layers named by their
 * short digest, 'Verifying Checksum' and 'Download complete' as each arrives, 'Pull complete'
 * in layer order (docker extracts them one after another). Configs are not shown.
 */
export function pullEventsOf(listener: ProgressListener<PullEvent>, ref: Reference): ProgressListener<TransferEvent> {
  const order: string[] = [];
  const arrived = new Set<string>();
  let completed = 0;
  const layer = (digest: string, status: LayerStatus, extra: Partial<Extract<PullEvent, { type: 'layer' }>> = {}) =>
    listener({ type: 'layer', id: shortId(digest), digest, status, ...extra });
  return (event) => {
    switch (event.type) {
      case 'start':
        return listener({ type: 'pulling', ref: ref.toString(), repository: ref.repository, tag: ref.tag, tagDefaulted: ref.tagDefaulted });
      case 'resolved':
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
        if (event.state === 'transferring') return layer(digest, 'Downloading', { current: event.current ?? 0, total: event.size });
        if (event.state === 'retrying') return layer(digest, 'Retrying', { offset: event.offset ?? 0, delayMs: event.delayMs ?? 0, reason: event.reason ?? '' });
        if (event.state !== 'done') return;
        layer(digest, 'Verifying Checksum');
        layer(digest, 'Download complete');
        arrived.add(digest);
        while (completed < order.length && arrived.has(order[completed]!)) layer(order[completed++]!, 'Pull complete');
        return;
      }
      default:
        return;
    }
  };
}
