// The one transfer engine: read an image from any ImageSource, write it to any ImageDestination
// (store/backend.ts). It plans (the top manifest, an index's children or one platform of it,
// every config and layer once), then sends the blobs several at a time (each skipped, mounted or
// written by the destination, verified there), then the manifests children first, then commits.
// Manifests keep their exact bytes, so every digest survives. Events are neutral (what happened
// to which blob): pull, push and copy emit them as they are, and the CLI words them as docker
// does (src/cli/progress/pull-words.ts, push-words.ts). Returns data; never prints.
import { RegctlError } from '../errors.js';
import { shortId } from '../oci/digest.js';
import { isForeignLayerMediaType } from '../oci/media-types.js';
import { parseImageConfig, parseManifest, type Descriptor, type Platform } from '../oci/manifest.js';
import { formatPlatform, selectManifest } from '../oci/platform.js';
import type { ImageDestination, ImageSource, ManifestResult } from '../store/backend.js';
import { mapLimit } from '../util/concurrency.js';

const CONFIG_LIMIT = 16 * 1024 * 1024;
const MAX_INDEX_DEPTH = 4;

export const DEFAULT_TRANSFER_CONCURRENCY = 4;

/** Receives a long operation's events as they happen; it must not throw. */
export type ProgressListener<E> = (event: E) => void;

/**
 * What happened to one blob: first queued (to send) or exists (the destination has it); waiting
 * while others hold the concurrency slots; transferring with byte counts, retrying after a
 * dropped connection; last done (written and verified there), mounted (from another repository
 * of the registry, `from`) or exists (the destination had it after all).
 */
export type BlobState = 'queued' | 'waiting' | 'exists' | 'mounted' | 'transferring' | 'retrying' | 'done';

export type TransferEvent =
  /** First, before anything is read: the two ends by name. */
  | { type: 'start'; source: string; destination: string }
  /** What the source named (an index even when one platform of it is moved), and the platform picked. */
  | { type: 'resolved'; digest: string; mediaType: string; platform?: string }
  | {
      type: 'blob';
      digest: string;
      size: number;
      /** The layer's short ID (docker's: 12 hex of its diff ID, else of its digest); undefined for configs. */
      layerId: string | undefined;
      state: BlobState;
      /** 'transferring': bytes so far, of `size`. */
      current?: number;
      /** 'mounted': the repository it was mounted from. */
      from?: string;
      /** 'retrying': the offset the next attempt continues from, the wait before it, and why. */
      offset?: number;
      delayMs?: number;
      reason?: string;
    }
  /** A manifest was written, children first; `name` is how the destination knows it. */
  | { type: 'manifest'; name: string; digest: string; mediaType: string; size: number }
  /** Last, once the image is committed: the manifest (or index) the destination now names. */
  | {
      type: 'done';
      digest: string;
      size: number;
      mediaType: string;
      /** Set by pull: the store already named this image and no blob was written (docker's "Image is up to date"). */
      unchanged?: boolean;
    };

export interface TransferOptions {
  /** Only this platform of an index (written alone). Default: the whole image, every platform. */
  platform?: Platform;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener<TransferEvent>;
  /** The digest the written image must have (a NAME@DIGEST destination). */
  expectDigest?: string;
  /** A plan the caller already made (push checks the local image first); default: planTransfer(src, platform). */
  plan?: TransferPlan;
}

export interface TransferResult {
  digest: string;
  size: number;
  mediaType: string;
  /** Blob bytes the destination received, resends included. */
  bytesTransferred: number;
  written: number;
  existed: number;
  mounted: number;
}

export interface TransferPlan {
  /** What the source location resolved to (an index, even when one platform of it is moved). */
  resolved: ManifestResult;
  /** Children first; the last one is the image the destination names. */
  manifests: ManifestResult[];
  /** Configs and layers once each: configs first, then layers top-most first (docker's order). */
  blobs: Descriptor[];
  /** Layer digest -> docker's layer ID. */
  layerIds: Map<string, string>;
  /** The platform picked out of an index, if one was. */
  platform?: Platform;
}

export interface PlanOptions {
  /** Only this platform of an index. */
  platform?: Platform;
  /** docker push lists the top-most layer first (the default), docker pull the base layer first. */
  layerOrder?: 'top-first' | 'base-first';
  /**
   * Read each image config for its diff IDs, docker push's layer names (default true). A pull
   * names layers by digest and skips this: the config is then fetched once, as a blob.
   */
  diffIds?: boolean;
}

/** Reads what a transfer of `src` moves: manifests (an index and its children, or one platform) and blobs. */
export async function planTransfer(src: ImageSource, opts: PlanOptions = {}): Promise<TransferPlan> {
  const { platform } = opts;
  const baseFirst = opts.layerOrder === 'base-first';
  const resolved = await src.manifest();
  const plan: TransferPlan = { resolved, manifests: [], blobs: [], layerIds: new Map() };
  const configs = new Map<string, Descriptor>();
  const layers = new Map<string, Descriptor>();
  const visit = async (m: ManifestResult, depth: number): Promise<void> => {
    if (depth > MAX_INDEX_DEPTH) throw new RegctlError('REGCTL_INVALID_MANIFEST', `${src.name}: indexes nested too deep`);
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.index.manifests) {
        if (plan.manifests.some((x) => x.digest === child.digest)) continue;
        await visit(await src.manifest(child.digest), depth + 1);
      }
    } else {
      const { config, layers: imageLayers } = parsed.manifest;
      let diffIds: readonly string[] = [];
      if (opts.diffIds !== false) {
        try {
          diffIds = parseImageConfig(await src.blobBytes(config.digest, CONFIG_LIMIT)).rootfs.diff_ids;
        } catch {
          // An artifact's config is not an image config: its blobs are copied all the same.
        }
      }
      configs.set(config.digest, config);
      for (let n = 0; n < imageLayers.length; n++) {
        const i = baseFirst ? n : imageLayers.length - 1 - n;
        const layer = imageLayers[i]!;
        if (isForeignLayerMediaType(layer.mediaType) || layers.has(layer.digest)) continue;
        layers.set(layer.digest, layer);
        plan.layerIds.set(layer.digest, shortId(diffIds.length === imageLayers.length ? diffIds[i]! : layer.digest));
      }
    }
    plan.manifests.push(m);
  };
  let top = resolved;
  if (platform) {
    const parsed = parseManifest(top.bytes, top.mediaType);
    if (parsed.kind === 'index') {
      const chosen = selectManifest(parsed.index, platform);
      if (!chosen) throw new RegctlError('REGCTL_NOT_FOUND', `no matching manifest for ${formatPlatform(platform)} in the manifest list entries`);
      top = await src.manifest(chosen.digest);
      if (chosen.platform) plan.platform = chosen.platform;
    }
  }
  await visit(top, 0);
  // One blob can be both a config and a layer (an artifact's empty `{}` descriptor): moved once.
  for (const digest of configs.keys()) layers.delete(digest);
  plan.blobs = [...configs.values(), ...layers.values()];
  return plan;
}

/** Moves the image `src` names to `dst` and commits it there. Neither end is closed. */
export async function transfer(src: ImageSource, dst: ImageDestination, opts: TransferOptions = {}): Promise<TransferResult> {
  const emit = opts.onProgress ?? (() => undefined);
  const signal = opts.signal ? { signal: opts.signal } : {};
  emit({ type: 'start', source: src.name, destination: dst.name });
  const plan = opts.plan ?? (await planTransfer(src, opts.platform ? { platform: opts.platform } : {}));
  const top = plan.manifests[plan.manifests.length - 1]!;
  if (opts.expectDigest && opts.expectDigest !== top.digest) throw new RegctlError('REGCTL_USAGE', `${src.name} is ${top.digest}, not ${opts.expectDigest}`);
  const { resolved } = plan;
  emit({ type: 'resolved', digest: resolved.digest, mediaType: resolved.mediaType, ...(plan.platform ? { platform: formatPlatform(plan.platform) } : {}) });

  const blobEvent = (d: Descriptor, state: BlobState, extra: Partial<Extract<TransferEvent, { type: 'blob' }>> = {}) =>
    emit({ type: 'blob', digest: d.digest, size: d.size, layerId: plan.layerIds.get(d.digest), state, ...extra });
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_TRANSFER_CONCURRENCY);
  const present = dst.presentBlobs ? await dst.presentBlobs(plan.blobs) : new Set<string>();
  const missing = plan.blobs.filter((d) => !present.has(d.digest));
  plan.blobs.forEach((d) => blobEvent(d, present.has(d.digest) ? 'exists' : 'queued'));
  missing.slice(concurrency).forEach((d) => blobEvent(d, 'waiting'));
  const totals = { bytesTransferred: 0, written: 0, existed: present.size, mounted: 0 };
  const listener = opts.onProgress;
  await mapLimit(missing, concurrency, async (d) => {
    // Byte counts come once per received chunk: asked for only when someone listens, and each
    // event is one literal (same fields, same order as blobEvent's) rather than two spreads.
    const layerId = plan.layerIds.get(d.digest);
    const onBytes = listener && ((current: number) => listener({ type: 'blob', digest: d.digest, size: d.size, layerId, state: 'transferring', current }));
    const result = await dst.putBlob(d, src.blob(d), {
      ...signal,
      ...(onBytes ? { onBytes } : {}),
      onRetry: (r) => blobEvent(d, 'retrying', { offset: r.offset, delayMs: r.delayMs, reason: r.reason }),
    });
    if (result.kind === 'exists') {
      totals.existed++;
      blobEvent(d, 'exists');
    } else if (result.kind === 'mounted') {
      totals.mounted++;
      blobEvent(d, 'mounted', { from: result.from });
    } else {
      totals.written++;
      totals.bytesTransferred += result.bytes;
      blobEvent(d, 'done');
    }
  });
  const put = await dst.putManifests(plan.manifests, {
    ...signal,
    onManifest: (m, name) => emit({ type: 'manifest', name, digest: m.digest, mediaType: m.mediaType, size: m.size }),
  });
  await dst.commit();
  emit({ type: 'done', digest: put.digest, size: put.size, mediaType: put.mediaType });
  return { digest: put.digest, size: put.size, mediaType: put.mediaType, ...totals };
}
