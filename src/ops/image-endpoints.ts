// The two ends of a copy behind one small interface each, so `copy` is one code path for
// registry -> registry, store -> registry and registry -> store. A source hands out manifests
// (exact bytes) and blobs as re-readable streams; a target takes blobs (skipping, mounting or
// writing them) and then the manifests, children first.
import { RegctlError } from '../errors.js';
import type { Descriptor } from '../oci/manifest.js';
import type { Reference } from '../reference/parse.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { getBlobBytes } from '../store/remote/blob.js';
import { getManifest, type ManifestResult } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { remoteBlobSource } from '../store/remote/remote-blob-source.js';
import type { BlobSource } from '../store/remote/upload.js';
import { mapLimit } from '../util/concurrency.js';
import { resolveLocalImage } from './local-image.js';
import type { PushEvent } from './push-progress.js';
import type { ProgressListener } from './progress.js';
import { sendBlobs, sendManifests, type SendBlobsOptions, type SendTotals } from './send-image.js';

export interface ImageSource {
  /** For messages: the full reference or store name. */
  readonly name: string;
  /** The top manifest (undefined) or one by digest, with its exact bytes. */
  manifest(digest?: string): Promise<ManifestResult>;
  blobBytes(digest: string, limit: number): Promise<Buffer>;
  blob(d: Descriptor): BlobSource;
}

export interface ImageTarget {
  readonly ref: Reference;
  sendBlobs(blobs: readonly Descriptor[], opts: Omit<SendBlobsOptions, 'source' | 'blobOptions'> & { source: ImageSource }): Promise<SendTotals>;
  /** Writes every manifest (children first) and names the last one `ref`. */
  sendManifests(manifests: readonly ManifestResult[], emit: ProgressListener<PushEvent>, signal?: AbortSignal): Promise<{ digest: string; size: number; mediaType: string }>;
}

export function remoteSource(remote: RemoteRegistry, ref: Reference, signal?: AbortSignal): ImageSource {
  const s = signal ? { signal } : {};
  return {
    name: ref.toString(),
    manifest: (digest) => getManifest(remote, digest ? ref.withDigest(digest) : ref, s),
    blobBytes: (digest, limit) => getBlobBytes(remote, ref, digest, { ...s, limit }),
    blob: (d) => remoteBlobSource(remote, ref, d.digest, d.size, signal),
  };
}

/** An image in the local store, by name or image ID (as `regctl push` finds it). */
export async function storeSource(store: LayoutStore, input: string): Promise<ImageSource> {
  const image = await resolveLocalImage(store, input);
  const read = async (d: Descriptor): Promise<ManifestResult> => {
    const bytes = await store.readBlobBytes(d.digest, 4 * 1024 * 1024);
    return { bytes, mediaType: d.mediaType, digest: d.digest, size: bytes.length };
  };
  return {
    name: image.name ?? image.id,
    manifest: async (digest) => {
      if (!digest || digest === image.descriptor.digest) return read(image.descriptor);
      const bytes = await store.readBlobBytes(digest, 4 * 1024 * 1024);
      const mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
      return { bytes, mediaType, digest, size: bytes.length };
    },
    blobBytes: (digest, limit) => store.readBlobBytes(digest, limit),
    blob: (d) => ({
      digest: d.digest,
      size: d.size,
      origin: `the local store (${store.dir})`,
      read: (start, end) => readStoreRange(store, d.digest, start, end),
    }),
  };
}

async function* readStoreRange(store: LayoutStore, digest: string, start: number, end: number): AsyncGenerator<Uint8Array> {
  let position = 0;
  for await (const raw of store.openBlob(digest)) {
    let chunk = raw as Uint8Array;
    const from = Math.max(0, start - position);
    const to = Math.min(chunk.byteLength, end - position);
    position += chunk.byteLength;
    if (to > from) yield from === 0 && to === chunk.byteLength ? chunk : chunk.subarray(from, to);
    if (position >= end) break;
  }
}

export function remoteTarget(remote: RemoteRegistry, ref: Reference, mountFrom: readonly string[] = []): ImageTarget {
  return {
    ref,
    sendBlobs: (blobs, opts) =>
      sendBlobs(remote, ref, blobs, { ...opts, source: (d) => opts.source.blob(d), blobOptions: async () => ({ mountFrom: [...mountFrom] }) }),
    sendManifests: (manifests, emit, signal) => sendManifests(remote, ref, manifests, emit, signal),
  };
}

/** The local store as a copy target: blobs verified into blobs/, the top manifest named `ref`. */
export function storeTarget(store: LayoutStore, ref: Reference): ImageTarget {
  return {
    ref,
    sendBlobs: async (blobs, opts) => {
      const totals: SendTotals = { bytesUploaded: 0, pushed: 0, existed: 0, mounted: 0 };
      await mapLimit(blobs, opts.concurrency, async (d) => {
        const { written, skipped } = await store.writeBlob(d.digest, opts.source.blob(d).read(0, d.size), {
          size: d.size,
          ...(opts.signal ? { signal: opts.signal } : {}),
          onProgress: (current) => opts.layerEvent(d, 'Pushing', { current, total: d.size }),
        });
        if (skipped) {
          totals.existed++;
          opts.layerEvent(d, 'Layer already exists');
        } else {
          totals.pushed++;
          totals.bytesUploaded += written;
          opts.layerEvent(d, 'Pushed');
        }
      });
      return totals;
    },
    sendManifests: async (manifests, emit) => {
      for (const m of manifests) await store.writeBlobBytes(m.digest, m.bytes);
      const top = manifests[manifests.length - 1];
      if (!top) throw new RegctlError('REGCTL_INTERNAL', 'copy: nothing to write');
      const name = ref.digest ? `${ref.name()}@${ref.digest}` : ref.toString();
      await store.putImage(name, { mediaType: top.mediaType, digest: top.digest, size: top.size });
      await store.releasePins();
      emit({ type: 'manifest', ref: name, digest: top.digest, mediaType: top.mediaType, size: top.size });
      return { digest: top.digest, size: top.size, mediaType: top.mediaType };
    },
  };
}
