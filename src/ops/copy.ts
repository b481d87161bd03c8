// `copy`: an image from any location to any other (registry, the local store, an OCI layout
// directory, an oci-archive or docker-archive tar) on the one transfer engine (transfer.ts).
// Manifests keep their exact bytes, so every digest survives where both formats allow it; an
// index is copied whole unless a platform is picked. Blobs the destination has are skipped,
// blobs on the same registry mounted, the rest streamed from source to destination and
// verified there. With `referrers`, what refers to the image follows it (copy-referrers.ts).
// Returns data and emits the engine's progress events; never prints.
import { UsageError } from '../errors.js';
import type { Platform } from '../oci/manifest.js';
import { toOciManifests } from '../oci/oci-conversion.js';
import { formatLocation, type Location } from '../reference/location.js';
import type { Reference } from '../reference/parse.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { assertStorableImages } from './image-only.js';
import { copyReferrers, type CopiedReferrer, type ReferrerEvent } from './copy-referrers.js';
import { openDestination, openSource, type LocationContext } from './open-location.js';
import { pushResultOf, type PushResult } from './push.js';
import { DEFAULT_TRANSFER_CONCURRENCY, planTransfer, transfer, type ProgressListener, type TransferEvent } from './transfer.js';

export type { CopiedReferrer, ReferrerEvent } from './copy-referrers.js';

export interface CopyOptions {
  /** Copy only this platform of an index (default: every platform). */
  platform?: Platform;
  concurrency?: number;
  signal?: AbortSignal;
  /** The engine's events (transfer.ts): the image's transfer, then each referrer's. */
  onProgress?: ProgressListener<TransferEvent>;
  /**
   * Also copy every referrer (OCI 1.1 `subject`) of the image and of each manifest of its index,
   * and theirs, recursively, each by digest. Registries (with or without the referrers API) and
   * oci: layouts only; other locations are refused before anything is read.
   */
  referrers?: boolean;
  /** With referrers: each referrer as its copy starts and once it is done. */
  onReferrer?: ProgressListener<ReferrerEvent>;
}

/** `ref` is the destination as written (a reference, store:NAME, oci:DIR:REF, ...); `tag` its tag or name. */
export type CopyResult = PushResult & {
  /** With the referrers option: the referrers copied, in the order they were (each after its subject). */
  referrers?: CopiedReferrer[];
};

/**
 * The destination with its final name. A registry destination without a tag keeps the source's
 * tag (a digest-only source: put by digest), as `docker push` of a pulled name would; other
 * destinations are used as written.
 */
export function destinationFor(from: Location, to: Location): Location {
  if (to.transport !== 'docker') return to;
  const dst = to.ref;
  if (!dst.tagDefaulted || dst.digest) return to;
  const src = from.transport === 'docker' ? from.ref : undefined;
  if (src?.digest && src.tagDefaulted) return { transport: 'docker', ref: dst.withDigest(src.digest) };
  return { transport: 'docker', ref: dst.withTag(src?.tag ?? 'latest') };
}

/** Same registry, other repository: a mount moves no bytes at all. */
function mountCandidates(from: Location, to: Location): string[] {
  if (from.transport !== 'docker' || to.transport !== 'docker') return [];
  return from.ref.registry === to.ref.registry && from.ref.repository !== to.ref.repository ? [from.ref.repository] : [];
}

/** How results and progress name a copy's destination (a registry reference, or the location as written). */
export interface DestinationNames {
  /** The full reference (docker.io/user/app:v1), else the location (oci:DIR:REF). */
  ref: string;
  /** The repository's full name, else the location. */
  repository: string;
  /** The tag (a digest when put by digest), else the store name or layout reference. */
  tag: string;
}

/** The names of `to`, a destination as destinationFor made it final: CopyResult's ref and tag. */
export function destinationNames(to: Location): DestinationNames {
  if (to.transport === 'docker') return { ref: to.ref.toString(), repository: to.ref.name(), tag: to.ref.tag ?? to.ref.digest ?? 'latest' };
  const where = formatLocation(to);
  const tag = to.transport === 'store' ? to.name : (to.ref ?? '');
  return { ref: where, repository: where, tag };
}

/** How progress names a referrer copied to `to` (final, as destinationFor made it): by its digest. */
export function referrerNames(to: Location, digest: string): DestinationNames {
  if (to.transport === 'docker') return { ref: `${to.ref.name()}@${digest}`, repository: to.ref.name(), tag: digest };
  const where = to.transport === 'store' ? 'store:' : `${to.transport}:${to.path}`;
  return { ref: `${where}@${digest}`, repository: formatLocation(to), tag: digest };
}

/** Where referrers can live: a registry, or an OCI layout directory (index.json entries). */
function assertHoldsReferrers(location: Location, side: 'source' | 'destination'): void {
  if (location.transport === 'docker' || location.transport === 'oci') return;
  const what = location.transport === 'store' ? 'the local store keeps no referrers' : `an ${location.transport} holds no referrers`;
  throw new UsageError(`--referrers: ${what} (${side} ${formatLocation(location)}); use a registry or an oci:DIR layout`);
}

/** Copies the image at `from` to `to`; both ends are closed whatever happens. */
export async function copy(ctx: LocationContext, from: Location, to: Location, opts: CopyOptions = {}): Promise<CopyResult> {
  const target = destinationFor(from, to);
  if (opts.referrers) {
    assertHoldsReferrers(from, 'source');
    assertHoldsReferrers(target, 'destination');
  }
  const source = await openSource(from, ctx, { intoStore: target.transport === 'store' });
  try {
    // With referrers, planned first: the subjects are the plan's manifests. The referrers name
    // the source's digests, so an OCI layout converting Docker manifests (new digests) is refused.
    // Into the store, planned first too: the store holds images only, refused before anything moves.
    const plan = opts.referrers || target.transport === 'store' ? await planTransfer(source, opts.platform ? { platform: opts.platform } : {}) : undefined;
    if (plan && target.transport === 'store') assertStorableImages(plan.manifests, source.name);
    if (plan && target.transport === 'oci' && toOciManifests(plan.manifests).some((m, i) => m.digest !== plan.manifests[i]!.digest)) {
      throw new UsageError(`--referrers: ${source.name} has Docker media types, which an OCI layout holds converted (new digests its referrers do not name); copy it without --referrers`);
    }
    const destination = await openDestination(target, ctx, { mountFrom: mountCandidates(from, target) });
    try {
      const concurrency = opts.concurrency ?? DEFAULT_TRANSFER_CONCURRENCY;
      const common = {
        concurrency,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      };
      const result = await transfer(source, destination, {
        ...common,
        ...(plan ? { plan } : {}),
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(target.transport === 'docker' && target.ref.digest ? { expectDigest: target.ref.digest } : {}),
      });
      const names = destinationNames(target);
      const copied = pushResultOf(names.ref, names.tag, result);
      if (!plan || !opts.referrers) return copied;
      // The image's manifest first, then those its index lists (oras cp -r's subjects).
      const top = plan.manifests[plan.manifests.length - 1]!;
      const subjects = [top.digest, ...plan.manifests.slice(0, -1).map((m) => m.digest)];
      const referrers = await copyReferrers(source, destination, subjects, { ...common, ...(opts.onReferrer ? { onReferrer: opts.onReferrer } : {}) });
      return { ...copied, referrers };
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}

/**
 * Registry to registry (the library's original form): `dst` should carry the tag to write; a
 * digest-only destination puts the manifest by digest.
 */
export async function copyImage(remote: RemoteRegistry, src: Reference, dst: Reference, opts: CopyOptions = {}): Promise<CopyResult> {
  const target = dst.digest ? dst : dst.withTag(dst.tag ?? 'latest');
  const ctx: LocationContext = {
    remote: async () => remote,
    store: (): Promise<LayoutStore> => Promise.reject(new Error('copyImage does not use the local store')),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  return copy(ctx, { transport: 'docker', ref: src }, { transport: 'docker', ref: target }, opts);
}
