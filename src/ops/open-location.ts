// Opens either end of a transfer for a Location (reference/location.ts): the one place that
// knows which backend serves which transport. A registry and the local store come from the
// caller (the session's lazily built RemoteRegistry and LayoutStore); layouts and archives are
// opened here, on the paths the user named.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RegctlError } from '../errors.js';
import { toOciManifests } from '../oci/oci-conversion.js';
import { formatLocation, type Location } from '../reference/location.js';
import { parseReference, type Reference } from '../reference/parse.js';
import { openArchiveDestination } from '../store/archive/image-destination.js';
import { openArchiveSource } from '../store/archive/image-source.js';
import type { ImageDestination, ImageSource } from '../store/backend.js';
import { layoutDestination } from '../store/layout/image-destination.js';
import { findLayoutEntry, layoutSource } from '../store/layout/image-source.js';
import { LayoutStore } from '../store/layout/layout-store.js';
import { remoteDestination } from '../store/remote/image-destination.js';
import { remoteSource } from '../store/remote/image-source.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { transferIntoArchive } from './archive-transfer.js';
import { resolveLocalImage } from './local-image.js';

/** What opening a location may need; both are built on first use only. */
export interface LocationContext {
  remote(): Promise<RemoteRegistry>;
  store(): Promise<LayoutStore>;
  signal?: AbortSignal;
  /** Where archives are unpacked and assembled (default: the OS temp directory). */
  tmpDir?: string;
}

export interface SourceOptions {
  /** The transfer goes into the regctl store: an archive is unpacked straight into it (no blob written twice). */
  intoStore?: boolean;
}

export async function openSource(location: Location, ctx: LocationContext, opts: SourceOptions = {}): Promise<ImageSource> {
  switch (location.transport) {
    case 'docker':
      return remoteSource(await ctx.remote(), location.ref, ctx.signal);
    case 'store': {
      const store = await ctx.store();
      const image = await resolveLocalImage(store, location.name);
      return layoutSource(store, image.descriptor, image.name ?? image.id);
    }
    case 'oci': {
      const dir = await existingPath(location.path, 'directory');
      const store = await LayoutStore.open(dir, { create: false, userDirectory: true });
      const entry = await findLayoutEntry(store, location.ref, formatLocation(location));
      return layoutSource(store, entry, formatLocation(location), { origin: dir, onClose: () => store.close(), referrers: true });
    }
    default:
      return openArchiveSource(location.transport, await existingPath(location.path, 'file'), location.ref, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.tmpDir ? { tmpDir: ctx.tmpDir } : {}),
        ...(opts.intoStore ? { unpackInto: await ctx.store() } : {}),
      });
  }
}

export interface DestinationOptions {
  /** Registry destinations: repositories of the same registry to mount blobs from. */
  mountFrom?: readonly string[];
}

/** `location` must already carry its final name (see destinationFor in copy.ts). */
export async function openDestination(location: Location, ctx: LocationContext, opts: DestinationOptions = {}): Promise<ImageDestination> {
  switch (location.transport) {
    case 'docker': {
      const mountFrom = opts.mountFrom ?? [];
      return remoteDestination(await ctx.remote(), location.ref, { mountFrom: () => mountFrom });
    }
    case 'store': {
      const name = storeName(location.name);
      return layoutDestination(await ctx.store(), { store: name }, `store:${name}`);
    }
    case 'oci': {
      const dir = path.resolve(location.path);
      const created = !(await exists(dir));
      await assertParentDirectory(dir);
      const store = await LayoutStore.open(dir, { create: true, userDirectory: true });
      const layout = layoutDestination(store, { refName: location.ref }, formatLocation(location), { createdDirectory: created, removeUncommitted: true });
      // An OCI layout holds OCI manifests: skopeo and umoci find no image of Docker media types
      // there, so those are converted as skopeo converts them (blobs and diff_ids unchanged).
      // Referrers keep their bytes: their digests are what the subject's listing names.
      return {
        ...layout,
        putManifests: (manifests, o) => layout.putManifests(toOciManifests(manifests), o),
        referrerDestination: (d) => layoutDestination(store, { referrer: d }, `oci:${location.path}`, { removeUncommitted: true }),
      };
    }
    default:
      return openArchiveDestination(location.transport, path.resolve(location.path), location.ref, {
        ...(ctx.tmpDir ? { tmpDir: ctx.tmpDir } : {}),
        // A docker-archive is written by the transfer engine, as `save` writes one.
        transfer: (src, dst) => transferIntoArchive(src, dst, ctx.signal ? { signal: ctx.signal } : {}),
      });
  }
}

/** A store name is a full docker reference (`busybox` is docker.io/library/busybox:latest). */
function storeName(name: string): string {
  const ref: Reference = parseReference(name);
  return ref.digest ? `${ref.name()}@${ref.digest}` : ref.toString();
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function existingPath(file: string, kind: 'file' | 'directory'): Promise<string> {
  const resolved = path.resolve(file);
  const stat = await fs.stat(resolved).catch((err: NodeJS.ErrnoException) => {
    throw new RegctlError('REGCTL_IO', `cannot read ${resolved}: ${err.code === 'ENOENT' ? `no such ${kind}` : err.code}`);
  });
  if (kind === 'directory' ? !stat.isDirectory() : !stat.isFile()) throw new RegctlError('REGCTL_IO', `${resolved} is not a ${kind}`);
  return resolved;
}

async function assertParentDirectory(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const stat = await fs.stat(parent).catch(() => undefined);
  if (!stat?.isDirectory()) throw new RegctlError('REGCTL_IO', `cannot create ${dir}: ${parent} is not a directory`);
}
