// `copy`: an image from any location to any other (registry, the local store, an OCI layout
// directory, an oci-archive or docker-archive tar) on the one transfer engine (transfer.ts).
// Manifests keep their exact bytes, so every digest survives where both formats allow it; an
// index is copied whole unless a platform is picked. Blobs the destination has are skipped,
// blobs on the same registry mounted, the rest streamed from source to destination and
// verified there. Returns data and emits the engine's progress events; never prints.
import type { Platform } from '../oci/manifest.js';
import { formatLocation, type Location } from '../reference/location.js';
import type { Reference } from '../reference/parse.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { openDestination, openSource, type LocationContext } from './open-location.js';
import { pushResultOf, type PushResult } from './push.js';
import { DEFAULT_TRANSFER_CONCURRENCY, transfer, type ProgressListener, type TransferEvent } from './transfer.js';

export interface CopyOptions {
  /** Copy only this platform of an index (default: every platform). */
  platform?: Platform;
  concurrency?: number;
  signal?: AbortSignal;
  /** The engine's events (transfer.ts). */
  onProgress?: ProgressListener<TransferEvent>;
}

/** `ref` is the destination as written (a reference, store:NAME, oci:DIR:REF, ...); `tag` its tag or name. */
export type CopyResult = PushResult;

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

/** Copies the image at `from` to `to`; both ends are closed whatever happens. */
export async function copy(ctx: LocationContext, from: Location, to: Location, opts: CopyOptions = {}): Promise<CopyResult> {
  const target = destinationFor(from, to);
  const source = await openSource(from, ctx, { intoStore: target.transport === 'store' });
  try {
    const destination = await openDestination(target, ctx, { mountFrom: mountCandidates(from, target) });
    try {
      const result = await transfer(source, destination, {
        concurrency: opts.concurrency ?? DEFAULT_TRANSFER_CONCURRENCY,
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(target.transport === 'docker' && target.ref.digest ? { expectDigest: target.ref.digest } : {}),
      });
      const names = destinationNames(target);
      return pushResultOf(names.ref, names.tag, result);
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
