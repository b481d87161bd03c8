// `pull`: resolve a reference (platform choice in an index) and move the image into the local
// store on the transfer engine (transfer.ts): registry source, store destination. Blobs the
// store has are skipped ("Already exists"), the rest fetched several at a time, resumed from a
// partial, verified while they stream; the image is recorded in index.json last. Returns data
// and emits the engine's progress events; never prints.
import type { Descriptor, Platform } from '../oci/manifest.js';
import { hostPlatform } from '../oci/platform.js';
import type { Reference } from '../reference/parse.js';
import type { ImageDestination } from '../store/backend.js';
import { layoutDestination } from '../store/layout/image-destination.js';
import { RESOLVED_DIGEST_ANNOTATION } from '../store/layout/image-names.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { remoteSource } from '../store/remote/image-source.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { assertImageConfigs } from './image-config-check.js';
import { assertContainerImages } from './image-only.js';
import { keepIntactBlobs } from './pull-verify.js';
import { planTransfer, transfer, type ProgressListener, type TransferEvent, type TransferPlan } from './transfer.js';

/** Kept for RepoDigests; defined with the store's other name annotations. */
export { RESOLVED_DIGEST_ANNOTATION };

export const DEFAULT_PULL_CONCURRENCY = 8;

export interface PullOptions {
  /** Wanted platform; default: the host's. Ignored with allPlatforms. */
  platform?: Platform;
  /** Keep the whole index and every platform's blobs. */
  allPlatforms?: boolean;
  concurrency?: number;
  /** Re-hash blobs and manifests the store already has instead of trusting their size; corrupt ones are fetched again. */
  verify?: boolean;
  /** With verify: a present blob was corrupt and was removed (it is then fetched again). */
  onCorruptBlob?: (digest: string) => void;
  signal?: AbortSignal;
  /** The engine's events (transfer.ts); 'done' says whether the store already had the image (`unchanged`). */
  onProgress?: ProgressListener<TransferEvent>;
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

/**
 * The store as pull's destination: blobs and manifests as for any layout, but the index.json
 * entry carries the platform picked and the digest the reference resolved to, and is left alone
 * when nothing changed (docker's "Image is up to date").
 */
function pullDestination(store: LayoutStore, ref: Reference, plan: TransferPlan, outcome: { upToDate: boolean; descriptor?: Descriptor }, opts: PullOptions): ImageDestination {
  const name = storeName(ref);
  const layout = layoutDestination(store, { store: name }, name);
  let written = false;
  return {
    ...layout,
    presentBlobs: async (blobs) => {
      const present = await layout.presentBlobs!(blobs);
      return opts.verify ? keepIntactBlobs(store, blobs.filter((d) => present.has(d.digest)), opts.onCorruptBlob) : present;
    },
    // A present manifest is skipped by the writer, so with verify a corrupt one goes first.
    putManifests: async (manifests, o) => {
      if (opts.verify) await keepIntactBlobs(store, manifests, opts.onCorruptBlob);
      return layout.putManifests(manifests, o);
    },
    putBlob: async (d, source, opts) => {
      const result = await layout.putBlob(d, source, opts);
      if (result.kind !== 'exists') written = true;
      return result;
    },
    commit: async () => {
      // Nothing is indexed with a config docker would refuse (image-config-check.ts).
      await assertImageConfigs(store, plan.manifests);
      const top = plan.manifests[plan.manifests.length - 1]!;
      const descriptor: Descriptor = {
        mediaType: top.mediaType,
        digest: top.digest,
        size: top.size,
        ...(plan.platform ? { platform: plan.platform } : {}),
        annotations: { [RESOLVED_DIGEST_ANNOTATION]: plan.resolved.digest },
      };
      const previous = await store.getImage(name);
      outcome.upToDate = !written && previous?.descriptor.digest === descriptor.digest;
      outcome.descriptor = descriptor;
      // Independent files under their own locks: index.json and the blob-source hints.
      await Promise.all([outcome.upToDate ? undefined : store.putImage(name, descriptor), store.recordSources(plan.blobs.map((d) => d.digest), ref.name())]);
    },
  };
}

export async function pull(remote: RemoteRegistry, store: LayoutStore, ref: Reference, opts: PullOptions = {}): Promise<PullResult> {
  const emit = opts.onProgress ?? (() => undefined);
  try {
    const source = remoteSource(remote, ref, opts.signal);
    // Before planning, which reads the manifests: docker prints "Pulling from" first.
    emit({ type: 'start', source: source.name, destination: storeName(ref) });
    const plan = await planTransfer(source, { layerOrder: 'base-first', diffIds: false, ...(opts.allPlatforms ? {} : { platform: opts.platform ?? hostPlatform() }) });
    assertContainerImages(plan.manifests, ref.familiar());
    const outcome: { upToDate: boolean; descriptor?: Descriptor } = { upToDate: false };
    const result = await transfer(source, pullDestination(store, ref, plan, outcome, opts), {
      plan,
      concurrency: opts.concurrency ?? DEFAULT_PULL_CONCURRENCY,
      ...(opts.signal ? { signal: opts.signal } : {}),
      // The engine's own start would come after planning; ours went out already. Its 'done'
      // follows the commit, which has settled whether anything changed. Without a listener the
      // engine gets none either, so it builds no per-chunk byte events.
      ...(opts.onProgress
        ? {
            onProgress: (event: TransferEvent) => {
              if (event.type === 'start') return;
              emit(event.type === 'done' ? { ...event, unchanged: outcome.upToDate } : event);
            },
          }
        : {}),
    });
    return { name: storeName(ref), digest: plan.resolved.digest, descriptor: outcome.descriptor!, upToDate: outcome.upToDate, bytesDownloaded: result.bytesTransferred };
  } finally {
    // Blobs this pull looked at were pinned against a concurrent GC until they are indexed.
    await store.releasePins();
  }
}
