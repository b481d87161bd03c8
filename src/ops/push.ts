// `push`: send a local image to the registry its name points at. Config and layers first,
// several at once, each only if the repository lacks it (HEAD), mounted from another repository
// of the same registry when the store knows one that has it, else uploaded from the store file;
// then the manifests, platform children before the index. Returns data and emits progress
// events; never prints.
import { createReadStream } from 'node:fs';
import { RegctlError } from '../errors.js';
import type { Descriptor, Platform } from '../oci/manifest.js';
import type { Reference } from '../reference/parse.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import type { BlobSource } from '../store/remote/upload.js';
import { planPush, type PushPlan } from './push-plan.js';
import type { PushEvent, PushLayerStatus } from './push-progress.js';
import type { ProgressListener } from './progress.js';
import { sendBlobs, sendManifests } from './send-image.js';

/**
 * Blobs in flight at once. Pushes are bound by the registry's CPU (hashing and writing what it
 * receives); a few concurrent uploads let it use more than one core. Measured: README "push".
 */
export const DEFAULT_PUSH_CONCURRENCY = 4;

export interface PushOptions {
  /** Push only this platform of a multi-platform entry, under the tag. */
  platform?: Platform;
  concurrency?: number;
  /** Upload in PATCH chunks of this many bytes instead of one PUT per blob. */
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener<PushEvent>;
}

export interface PushResult {
  /** Full reference pushed, e.g. docker.io/user/app:latest. */
  ref: string;
  tag: string;
  /** Digest and byte size of the manifest (or index) the tag now names: docker's last line. */
  digest: string;
  size: number;
  mediaType: string;
  /** Blob body bytes sent, resends after a dropped connection included. */
  bytesUploaded: number;
  pushed: number;
  existed: number;
  mounted: number;
}

/** Reads a store blob by byte range, as uploads (and their resumes) need. */
function storeSource(store: LayoutStore, d: Descriptor): BlobSource {
  const file = store.blobPath(d.digest);
  return {
    digest: d.digest,
    size: d.size,
    read: (start, end) => (end > start ? createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 }) : nothing()),
  };
}

async function* nothing(): AsyncGenerator<Uint8Array> {}

/** Repository paths on the push's registry that the store saw holding the blob, most recent first. */
async function mountCandidates(store: LayoutStore, ref: Reference, digest: string): Promise<string[]> {
  const prefix = `${ref.registry}/`;
  return (await store.sourcesOf(digest))
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length))
    .filter((repo) => repo !== ref.repository);
}

/** Every blob must be in the store, at its size, before anything is sent. */
async function checkLocalBlobs(store: LayoutStore, plan: PushPlan, ref: Reference): Promise<void> {
  for (const d of plan.blobs) {
    const size = await store.hasBlob(d.digest);
    if (size === undefined) throw new RegctlError('REGCTL_NOT_FOUND', `blob ${d.digest} of ${ref.familiar()} is not in the local store`);
    if (size !== d.size) throw new RegctlError('REGCTL_LAYOUT', `blob ${d.digest} in the local store is ${size} bytes, its descriptor says ${d.size}`);
  }
}

export async function push(remote: RemoteRegistry, store: LayoutStore, ref: Reference, opts: PushOptions = {}): Promise<PushResult> {
  const emit = opts.onProgress ?? (() => undefined);
  const signal = opts.signal ? { signal: opts.signal } : {};
  const tag = ref.tag ?? 'latest';
  const plan = await planPush(store, ref, opts.platform);
  await checkLocalBlobs(store, plan, ref);
  emit({ type: 'pushing', ref: ref.toString(), repository: ref.name(), tag });

  const layerEvent = (d: Descriptor, status: PushLayerStatus, extra: Partial<Extract<PushEvent, { type: 'layer' }>> = {}) => {
    const id = plan.layerIds.get(d.digest);
    if (id) emit({ type: 'layer', id, digest: d.digest, status, ...extra });
  };
  // A source refused once (typically: no pull on it) is refused for every blob; ask only once.
  const refused = new Set<string>();
  const totals = await sendBlobs(remote, ref, plan.blobs, {
    concurrency: Math.max(1, opts.concurrency ?? DEFAULT_PUSH_CONCURRENCY),
    ...signal,
    layerEvent,
    source: (d) => storeSource(store, d),
    blobOptions: async (d) => ({
      ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
      mountFrom: (await mountCandidates(store, ref, d.digest)).filter((from) => !refused.has(from)),
      onMountRefused: (from: string) => refused.add(from),
    }),
  });
  const put = await sendManifests(remote, ref, plan.manifests, emit, opts.signal);
  await store.recordSources(plan.blobs.map((d) => d.digest), ref.name());
  emit({ type: 'done', ref: ref.toString(), tag, digest: put.digest, size: put.size });
  return { ref: ref.toString(), tag, digest: put.digest, size: put.size, mediaType: put.mediaType, ...totals };
}
