// `copy`: an image from one registry (or repository) to another, or between the local store and
// a registry, on one code path over ImageSource/ImageTarget (image-endpoints.ts).
// Manifests are read with their exact bytes and put back unchanged, so every digest survives;
// an index is copied whole, its children (by digest) before it. Each config and layer is
// skipped when the destination has it (HEAD), mounted when both sides are the same registry,
// else streamed from a GET on the source into the destination's upload, hashed on the way.
// Returns data and emits push's progress events; never prints.
import { RegctlError } from '../errors.js';
import { shortId } from '../oci/digest.js';
import { isForeignLayerMediaType } from '../oci/media-types.js';
import { parseImageConfig, parseManifest, type Descriptor } from '../oci/manifest.js';
import type { Reference } from '../reference/parse.js';
import type { ManifestResult } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { DEFAULT_PUSH_CONCURRENCY, type PushResult } from './push.js';
import { remoteSource, remoteTarget, type ImageSource, type ImageTarget } from './image-endpoints.js';
import type { PushEvent, PushLayerStatus } from './push-progress.js';
import type { ProgressListener } from './progress.js';

const CONFIG_LIMIT = 16 * 1024 * 1024;

export interface CopyOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener<PushEvent>;
}

export type CopyResult = PushResult;

interface CopyPlan {
  /** Children first; the last one goes under the destination tag. */
  manifests: ManifestResult[];
  blobs: Descriptor[];
  layerIds: Map<string, string>;
}

/** Reads the source's manifests (an index and every child) and what they reference. */
async function planCopy(src: ImageSource): Promise<CopyPlan> {
  const plan: CopyPlan = { manifests: [], blobs: [], layerIds: new Map() };
  const seen = new Set<string>();
  const visit = async (m: ManifestResult, depth: number): Promise<void> => {
    if (depth > 4) throw new RegctlError('REGCTL_INVALID_MANIFEST', `${src.name}: indexes nested too deep`);
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.index.manifests) {
        if (plan.manifests.some((x) => x.digest === child.digest)) continue;
        await visit(await src.manifest(child.digest), depth + 1);
      }
    } else {
      const { config, layers } = parsed.manifest;
      let diffIds: readonly string[] = [];
      try {
        diffIds = parseImageConfig(await src.blobBytes(config.digest, CONFIG_LIMIT)).rootfs.diff_ids;
      } catch {
        // An artifact's config is not an image config: its blobs are copied all the same.
      }
      if (!seen.has(config.digest)) plan.blobs.push(config);
      seen.add(config.digest);
      // docker's order and IDs: top-most layer first, named by its diff ID.
      for (let i = layers.length - 1; i >= 0; i--) {
        const layer = layers[i]!;
        if (isForeignLayerMediaType(layer.mediaType) || seen.has(layer.digest)) continue;
        seen.add(layer.digest);
        plan.blobs.push(layer);
        plan.layerIds.set(layer.digest, shortId(diffIds.length === layers.length ? diffIds[i]! : layer.digest));
      }
    }
    plan.manifests.push(m);
  };
  await visit(await src.manifest(), 0);
  return plan;
}

/**
 * Copies `src` (tag or digest) to `dst` between registries. `dst` should carry the tag to
 * write; a digest-only destination puts the manifest by digest.
 */
export async function copyImage(remote: RemoteRegistry, src: Reference, dst: Reference, opts: CopyOptions = {}): Promise<CopyResult> {
  const tag = dst.tag ?? dst.digest ?? 'latest';
  const target = dst.digest ? dst : dst.withTag(tag);
  // Same registry: a mount from the source repository moves no bytes at all.
  const mountFrom = src.registry === dst.registry && src.repository !== dst.repository ? [src.repository] : [];
  return copyBetween(remoteSource(remote, src, opts.signal), remoteTarget(remote, target, mountFrom), opts);
}

/** The one copy path, whatever the ends are: registry or local store on either side. */
export async function copyBetween(src: ImageSource, dst: ImageTarget, opts: CopyOptions = {}): Promise<CopyResult> {
  const emit = opts.onProgress ?? (() => undefined);
  const tag = dst.ref.tag ?? dst.ref.digest ?? 'latest';
  const plan = await planCopy(src);
  const top = plan.manifests[plan.manifests.length - 1]!;
  if (dst.ref.digest && dst.ref.digest !== top.digest) throw new RegctlError('REGCTL_USAGE', `${src.name} is ${top.digest}, not ${dst.ref.digest}`);
  emit({ type: 'pushing', ref: dst.ref.toString(), repository: dst.ref.name(), tag });
  const layerEvent = (d: Descriptor, status: PushLayerStatus, extra: Partial<Extract<PushEvent, { type: 'layer' }>> = {}) => {
    const id = plan.layerIds.get(d.digest);
    if (id) emit({ type: 'layer', id, digest: d.digest, status, ...extra });
  };
  const totals = await dst.sendBlobs(plan.blobs, {
    concurrency: Math.max(1, opts.concurrency ?? DEFAULT_PUSH_CONCURRENCY),
    ...(opts.signal ? { signal: opts.signal } : {}),
    layerEvent,
    source: src,
  });
  const put = await dst.sendManifests(plan.manifests, emit, opts.signal);
  emit({ type: 'done', ref: dst.ref.toString(), tag, digest: put.digest, size: put.size });
  return { ref: dst.ref.toString(), tag, digest: put.digest, size: put.size, mediaType: put.mediaType, ...totals };
}
