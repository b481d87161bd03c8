// `pull`: resolve a reference (platform choice in an index), fetch the blobs the store lacks
// several at a time, verify each while it streams, then record the image in index.json.
// Returns data and emits progress events; never prints.
import { RegctlError } from '../errors.js';
import { shortId } from '../oci/digest.js';
import { parseManifest, type Descriptor, type ImageIndex, type ImageManifest, type Platform } from '../oci/manifest.js';
import { formatPlatform, hostPlatform, selectManifest } from '../oci/platform.js';
import type { Reference } from '../reference/parse.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { getManifest, type ManifestResult } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { mapLimit } from '../util/concurrency.js';
import type { LayerStatus, ProgressListener, PullEvent } from './progress.js';
import { fetchBlob } from './pull-blob.js';

/** The digest the reference resolved to (an index for multi-platform images), kept for RepoDigests. */
export const RESOLVED_DIGEST_ANNOTATION = 'dev.regctl.resolved-digest';

export const DEFAULT_PULL_CONCURRENCY = 8;

export interface PullOptions {
  /** Wanted platform; default: the host's. Ignored with allPlatforms. */
  platform?: Platform;
  /** Keep the whole index and every platform's blobs. */
  allPlatforms?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener<PullEvent>;
}

export interface PullResult {
  /** Full name recorded in the store, e.g. docker.io/library/busybox:latest. */
  name: string;
  /** Digest of what the reference resolved to (index or manifest): docker's "Digest:" line. */
  digest: string;
  /** The descriptor stored for the image (the platform manifest, or the index). */
  descriptor: Descriptor;
  upToDate: boolean;
  /** Blob bytes actually transferred. */
  bytesDownloaded: number;
}

function storeName(ref: Reference): string {
  // docker drops the tag when a digest is given; so do we for the stored name.
  return ref.digest ? `${ref.name()}@${ref.digest}` : ref.toString();
}

function noMatch(want: Platform): RegctlError {
  return new RegctlError('REGCTL_NOT_FOUND', `no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
}

interface Plan {
  /** Manifests (and index) to write, children before parents. */
  manifests: ManifestResult[];
  /** Config and layer descriptors of every image manifest. */
  blobs: Descriptor[];
  /** Layers only, in order, for docker's per-layer lines. */
  layers: Descriptor[];
  descriptor: Descriptor;
}

async function planImage(remote: RemoteRegistry, ref: Reference, m: ManifestResult, platform?: Platform): Promise<Plan> {
  const parsed = parseManifest(m.bytes, m.mediaType);
  if (parsed.kind !== 'image') throw new RegctlError('REGCTL_INVALID_MANIFEST', `expected an image manifest at ${ref.familiar()}`);
  const manifest: ImageManifest = parsed.manifest;
  return {
    manifests: [m],
    blobs: [manifest.config, ...manifest.layers],
    layers: [...manifest.layers],
    descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.size, ...(platform ? { platform } : {}) },
  };
}

async function plan(remote: RemoteRegistry, ref: Reference, top: ManifestResult, opts: PullOptions): Promise<Plan> {
  const parsed = parseManifest(top.bytes, top.mediaType);
  if (parsed.kind === 'image') return planImage(remote, ref, top);
  const index: ImageIndex = parsed.index;
  const signal = opts.signal ? { signal: opts.signal } : {};
  if (opts.allPlatforms) {
    const children = await Promise.all(index.manifests.map((d) => getManifest(remote, ref.withDigest(d.digest), signal)));
    const plans = await Promise.all(children.map((c, i) => planImage(remote, ref, c, index.manifests[i]?.platform)));
    return {
      manifests: [...plans.flatMap((p) => p.manifests), top],
      blobs: plans.flatMap((p) => p.blobs),
      layers: plans.flatMap((p) => p.layers),
      descriptor: { mediaType: top.mediaType, digest: top.digest, size: top.size },
    };
  }
  const want = opts.platform ?? hostPlatform();
  const chosen = selectManifest(index, want);
  if (!chosen) throw noMatch(want);
  const child = await getManifest(remote, ref.withDigest(chosen.digest), signal);
  return planImage(remote, ref, child, chosen.platform);
}

/** Unique by digest, first occurrence wins (layers shared between platforms download once). */
function unique(descs: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return descs.filter((d) => (seen.has(d.digest) ? false : (seen.add(d.digest), true)));
}

export async function pull(remote: RemoteRegistry, store: LayoutStore, ref: Reference, opts: PullOptions = {}): Promise<PullResult> {
  try {
    return await pullPinned(remote, store, ref, opts);
  } finally {
    // Blobs this pull looked at were pinned against a concurrent GC until they are indexed.
    await store.releasePins();
  }
}

async function pullPinned(remote: RemoteRegistry, store: LayoutStore, ref: Reference, opts: PullOptions): Promise<PullResult> {
  const emit = opts.onProgress ?? (() => undefined);
  const signal = opts.signal ? { signal: opts.signal } : {};
  emit({ type: 'pulling', ref: ref.toString(), repository: ref.repository, tag: ref.tag, tagDefaulted: ref.tagDefaulted });
  const top = await getManifest(remote, ref, signal);
  const p = await plan(remote, ref, top, opts);
  emit({ type: 'resolved', ref: ref.toString(), digest: top.digest, mediaType: top.mediaType, ...(p.descriptor.platform ? { platform: formatPlatform(p.descriptor.platform) } : {}) });

  const layerIds = new Set(p.layers.map((l) => l.digest));
  const layerEvent = (d: Descriptor, status: LayerStatus, extra: { current?: number; total?: number; offset?: number; delayMs?: number; reason?: string } = {}) => {
    if (layerIds.has(d.digest)) emit({ type: 'layer', id: shortId(d.digest), digest: d.digest, status, ...extra });
  };

  const blobs = unique(p.blobs);
  const present = new Map<string, boolean>();
  const sizes = await store.hasBlobs(blobs.map((d) => d.digest));
  blobs.forEach((d, i) => present.set(d.digest, sizes[i] !== undefined));
  const concurrency = opts.concurrency ?? DEFAULT_PULL_CONCURRENCY;
  const missing = blobs.filter((d) => !present.get(d.digest));
  for (const d of blobs) layerEvent(d, present.get(d.digest) ? 'Already exists' : 'Pulling fs layer');
  missing.slice(concurrency).forEach((d) => layerEvent(d, 'Waiting'));

  // Pull complete is reported in layer order, as docker's sequential extraction does.
  const layerOrder = unique(p.layers).filter((d) => !present.get(d.digest));
  const done = new Set<string>();
  let reported = 0;
  const reportCompleted = () => {
    while (reported < layerOrder.length && done.has(layerOrder[reported]!.digest)) {
      layerEvent(layerOrder[reported]!, 'Pull complete');
      reported++;
    }
  };

  let bytesDownloaded = 0;
  await mapLimit(missing, concurrency, async (d) => {
    // Read the counter only after the await: `x += await f()` would lose concurrent updates.
    const written = await fetchBlob(remote, store, ref, d, {
      ...signal,
      onBytes: (current) => layerEvent(d, 'Downloading', { current, total: d.size }),
      onRetry: (r) => layerEvent(d, 'Retrying', { offset: r.offset, delayMs: r.delayMs, reason: r.reason }),
    });
    bytesDownloaded += written;
    layerEvent(d, 'Verifying Checksum');
    layerEvent(d, 'Download complete');
    done.add(d.digest);
    reportCompleted();
  });

  for (const m of p.manifests) await store.writeBlobBytes(m.digest, m.bytes);
  const name = storeName(ref);
  const previous = await store.getImage(name);
  const descriptor: Descriptor = {
    ...p.descriptor,
    annotations: { [RESOLVED_DIGEST_ANNOTATION]: top.digest },
  };
  const upToDate = missing.length === 0 && previous?.descriptor.digest === descriptor.digest;
  // Independent files under their own locks: index.json and the blob-source hints.
  await Promise.all([upToDate ? undefined : store.putImage(name, descriptor), store.recordSources(blobs.map((d) => d.digest), ref.name())]);
  emit({ type: 'done', ref: ref.toString(), digest: top.digest, upToDate });
  return { name, digest: top.digest, descriptor, upToDate, bytesDownloaded };
}
