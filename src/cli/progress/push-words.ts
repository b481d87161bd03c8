// docker push's progress vocabulary, and the adapter that words the library's neutral transfer
// events (ops/transfer.ts) in it; `regctl push` and `regctl copy` both report as `docker push`
// does. The statuses are docker's user interface, so they live with the CLI that imitates it:
// the CLI's plain lines, TTY bars and `--progress json` (push-renderer.ts) render these events.
import type { BlobState, ProgressListener, TransferEvent } from '../../ops/transfer.js';

/** docker's per-layer push statuses, spelled as docker prints them ('Mounted from' is followed by `from`). */
export type PushLayerStatus = 'Preparing' | 'Waiting' | 'Pushing' | 'Pushed' | 'Layer already exists' | 'Mounted from' | 'Retrying';

export type PushEvent =
  /** One per tag pushed, before its layers. `repository` is the full name (docker.io/user/app). */
  | { type: 'pushing'; ref: string; repository: string; tag: string }
  | {
      type: 'layer';
      /** docker's layer ID: the first 12 hex of the layer's diff ID (uncompressed), else of its digest. */
      id: string;
      digest: string;
      status: PushLayerStatus;
      current?: number;
      total?: number;
      /** 'Mounted from': the source repository path. */
      from?: string;
      /** 'Retrying': where the upload continues and why. */
      offset?: number;
      delayMs?: number;
      reason?: string;
    }
  /** A manifest (platform child, or the tagged manifest/index) was stored by the registry. */
  | { type: 'manifest'; ref: string; digest: string; mediaType: string; size: number }
  | { type: 'done'; ref: string; tag: string; digest: string; size: number };

/** The destination as the events name it: push's reference, or copy's destinationNames (ops/copy.ts). */
export interface PushTarget {
  ref: string;
  repository: string;
  tag: string;
}

/** Where a transfer's neutral blob states take docker's push words. */
const PUSH_WORDS: Record<BlobState, PushLayerStatus> = {
  queued: 'Preparing',
  waiting: 'Waiting',
  transferring: 'Pushing',
  done: 'Pushed',
  exists: 'Layer already exists',
  mounted: 'Mounted from',
  retrying: 'Retrying',
};

/**
 * A transfer's events as push's. `target` names the destination (the engine's events do not
 * carry docker's repository and tag); configs have no layer ID and are not shown, as in docker.
 */
export function pushEventsOf(listener: ProgressListener<PushEvent>, target: PushTarget): ProgressListener<TransferEvent> {
  return (event) => {
    switch (event.type) {
      case 'start':
        return listener({ type: 'pushing', ref: target.ref, repository: target.repository, tag: target.tag });
      case 'blob': {
        if (event.layerId === undefined) return;
        const { current, from, offset, delayMs, reason } = event;
        const status = PUSH_WORDS[event.state];
        return listener({
          type: 'layer',
          id: event.layerId,
          digest: event.digest,
          status,
          ...(current !== undefined ? { current, total: event.size } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(event.state === 'retrying' ? { offset: offset ?? 0, delayMs: delayMs ?? 0, reason: reason ?? '' } : {}),
        });
      }
      case 'manifest':
        return listener({ type: 'manifest', ref: event.name, digest: event.digest, mediaType: event.mediaType, size: event.size });
      case 'done':
        return listener({ type: 'done', ref: target.ref, tag: target.tag, digest: event.digest, size: event.size });
      default:
        return;
    }
  };
}
