// The sending half shared by push (store -> registry) and copy (registry -> registry): blobs
// several at a time with docker's per-layer events, then manifests children first (a registry
// refuses an index naming manifests it does not have) and the top one under its tag.
import type { Descriptor } from '../oci/manifest.js';
import type { Reference } from '../reference/parse.js';
import { putManifest } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { pushBlob, type BlobSource, type PushBlobOptions } from '../store/remote/upload.js';
import { mapLimit } from '../util/concurrency.js';
import type { PushEvent, PushLayerStatus } from './push-progress.js';
import type { ProgressListener } from './progress.js';

export interface SendTotals {
  bytesUploaded: number;
  pushed: number;
  existed: number;
  mounted: number;
}

type LayerEvent = (d: Descriptor, status: PushLayerStatus, extra?: Partial<Extract<PushEvent, { type: 'layer' }>>) => void;

export interface SendBlobsOptions {
  concurrency: number;
  signal?: AbortSignal;
  layerEvent: LayerEvent;
  source: (d: Descriptor) => BlobSource;
  /** Extra pushBlob options per blob (mount candidates, chunk size, ...). */
  blobOptions?: (d: Descriptor) => Promise<Omit<PushBlobOptions, 'signal' | 'onBytes' | 'onRetry'>>;
}

export async function sendBlobs(remote: RemoteRegistry, dst: Reference, blobs: readonly Descriptor[], opts: SendBlobsOptions): Promise<SendTotals> {
  const { layerEvent } = opts;
  blobs.forEach((d) => layerEvent(d, 'Preparing'));
  blobs.slice(opts.concurrency).forEach((d) => layerEvent(d, 'Waiting'));
  const totals: SendTotals = { bytesUploaded: 0, pushed: 0, existed: 0, mounted: 0 };
  await mapLimit(blobs, opts.concurrency, async (d) => {
    const result = await pushBlob(remote, dst, opts.source(d), {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.blobOptions ? await opts.blobOptions(d) : {}),
      onBytes: (current) => layerEvent(d, 'Pushing', { current, total: d.size }),
      onRetry: (r) => layerEvent(d, 'Retrying', { offset: r.offset, delayMs: r.delayMs, reason: r.reason }),
    });
    if (result.kind === 'exists') {
      totals.existed++;
      layerEvent(d, 'Layer already exists');
    } else if (result.kind === 'mounted') {
      totals.mounted++;
      layerEvent(d, 'Mounted from', { from: result.from });
    } else {
      totals.pushed++;
      totals.bytesUploaded += result.bytesSent;
      layerEvent(d, 'Pushed');
    }
  });
  return totals;
}

export interface ManifestToSend {
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

/** PUTs every manifest but the last by digest, then the last at `target`; returns the last one's digest and size. */
export async function sendManifests(
  remote: RemoteRegistry,
  target: Reference,
  manifests: readonly ManifestToSend[],
  emit: ProgressListener<PushEvent>,
  signal?: AbortSignal,
): Promise<{ digest: string; size: number; mediaType: string }> {
  const opt = signal ? { signal } : {};
  for (const m of manifests.slice(0, -1)) {
    const put = await putManifest(remote, target.withDigest(m.digest), m.bytes, m.mediaType, opt);
    emit({ type: 'manifest', ref: `${target.name()}@${put.digest}`, digest: put.digest, mediaType: m.mediaType, size: put.size });
  }
  const top = manifests[manifests.length - 1]!;
  const put = await putManifest(remote, target, top.bytes, top.mediaType, opt);
  emit({ type: 'manifest', ref: target.toString(), digest: put.digest, mediaType: top.mediaType, size: put.size });
  return { digest: put.digest, size: put.size, mediaType: top.mediaType };
}
