// `push`: send a local image to the registry its name points at, on the transfer engine
// (transfer.ts) from the store's layout source to the registry's destination. Config and layers
// first, several at once, each only if the repository lacks it (HEAD), mounted from another
// repository of the same registry when the store knows one that has it, else uploaded from the
// store file; then the manifests, platform children before the index. Returns data and emits
// the engine's progress events; never prints.
import { RegctlError } from '../errors.js';
import type { Descriptor, Platform } from '../oci/manifest.js';
import type { Reference } from '../reference/parse.js';
import { layoutSource } from '../store/layout/image-source.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { remoteDestination } from '../store/remote/image-destination.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { planPush, type PushPlan } from './push-plan.js';
import { recordPushedDigest } from './push-repo-digest.js';
import { transfer, type ProgressListener, type TransferEvent, type TransferResult } from './transfer.js';

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
  /** The engine's events (transfer.ts). */
  onProgress?: ProgressListener<TransferEvent>;
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
  const tag = ref.tag ?? 'latest';
  const plan = await planPush(store, ref, opts.platform);
  await checkLocalBlobs(store, plan, ref);
  const top = plan.manifests[plan.manifests.length - 1]!;
  const source = layoutSource(store, { mediaType: top.mediaType, digest: top.digest, size: top.size }, ref.familiar());
  const destination = remoteDestination(remote, ref, {
    mountFrom: (d: Descriptor) => mountCandidates(store, ref, d.digest),
    ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
  });
  const result = await transfer(source, destination, {
    plan,
    concurrency: opts.concurrency ?? DEFAULT_PUSH_CONCURRENCY,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  // Independent files under their own locks: the blob-source hints and index.json (RepoDigests).
  await Promise.all([store.recordSources(plan.blobs.map((d) => d.digest), ref.name()), recordPushedDigest(store, ref, result.digest)]);
  return pushResultOf(ref.toString(), tag, result);
}

/** A transfer's outcome in push's terms (push and copy both report as `docker push`). */
export function pushResultOf(ref: string, tag: string, result: TransferResult): PushResult {
  return {
    ref,
    tag,
    digest: result.digest,
    size: result.size,
    mediaType: result.mediaType,
    bytesUploaded: result.bytesTransferred,
    pushed: result.written,
    existed: result.existed,
    mounted: result.mounted,
  };
}
