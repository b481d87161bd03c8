// Garbage collection: delete blobs that index.json does not reach, plus stale staging files.
// It runs under the index.json lock, so no putImage interleaves (a pull indexes its image
// either before GC reads the index or after GC is done).
//
// Blobs that an in-flight pull has written or found but not indexed yet are protected by pins
// (blob-pins.ts). A pull pins a digest BEFORE it checks or writes the blob; GC works in two
// phases so that no ordering of the two loses a blob:
//   A. read the pins, then move every unreachable, unpinned blob into .regctl/trash/<gc>/;
//   B. read the pins again; put pinned ones back, delete the rest.
// A pin written before B's read is seen in B, and the blob is restored. A pin written after
// B's read was followed by the pull's existence check, which ran after phase A and so found
// the blob gone: the pull downloads it again. A GC that crashes between A and B leaves
// blobs in trash; the next GC restores them before doing anything else.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { readLivePins } from './blob-pins.js';
import { errnoCode, fileSize, ioError, mkdirs } from './layout-fs.js';
import { cleanStaging } from './staging-cleanup.js';
import type { LayoutPaths } from './layout-paths.js';
import { reachableFrom } from './reachability.js';
import { forgetSources } from './sources-file.js';

export const DEFAULT_PARTIAL_MAX_AGE_MS = 24 * 60 * 60_000;

export interface GcOptions {
  /** Staging partials untouched for this long are removed (default 24 h; 0: every unclaimed one). */
  partialMaxAgeMs?: number;
}

export interface GcResult {
  removed: string[];
  freedBytes: number;
  /** Why nothing was deleted (an unreadable manifest); empty normally. */
  doubts: string[];
  /** Staging files (partials, temps, abandoned claims) removed. */
  stagingRemoved: number;
}

/** Call with the index lock held. */
export async function collectGarbage(paths: LayoutPaths, roots: readonly Descriptor[], opts: GcOptions = {}): Promise<GcResult> {
  await restoreTrash(paths);
  const { digests: reachable, doubts } = await reachableFrom(paths, roots);
  const removed: string[] = [];
  let freedBytes = 0;
  if (doubts.length === 0) {
    const pinnedBefore = await readLivePins(paths.pins, true);
    const candidates = (await listBlobs(paths)).filter((d) => !reachable.has(d) && !pinnedBefore.has(d));
    const trashDir = path.join(paths.trash, `${process.pid}-${randomBytes(4).toString('hex')}`);
    const trashed = await moveToTrash(paths, trashDir, candidates);
    const pinnedAfter = await readLivePins(paths.pins, false);
    for (const { digest, file, size } of trashed) {
      if (pinnedAfter.has(digest)) await restore(file, paths.blob(digest));
      else {
        await fs.rm(file, { force: true }).catch((err: unknown) => {
          throw ioError('remove', file, err);
        });
        removed.push(digest);
        freedBytes += size;
      }
    }
    await fs.rm(trashDir, { recursive: true, force: true });
  }
  const stagingRemoved = await cleanStaging(paths, opts.partialMaxAgeMs ?? DEFAULT_PARTIAL_MAX_AGE_MS);
  await forgetSources(paths, removed);
  return { removed, freedBytes, doubts, stagingRemoved };
}

/** Every `alg:hex` under blobs/ (files with other names are not ours to judge and are left alone). */
export async function listBlobs(paths: LayoutPaths): Promise<string[]> {
  const digests: string[] = [];
  for (const algorithm of await readdirOrEmpty(paths.blobs)) {
    for (const hex of await readdirOrEmpty(path.join(paths.blobs, algorithm))) {
      const digest = `${algorithm}:${hex}`;
      if (isDigest(digest)) digests.push(digest);
    }
  }
  return digests;
}

interface Trashed {
  digest: string;
  file: string;
  size: number;
}

async function moveToTrash(paths: LayoutPaths, trashDir: string, digests: readonly string[]): Promise<Trashed[]> {
  if (digests.length === 0) return [];
  await mkdirs(trashDir);
  const trashed: Trashed[] = [];
  for (const digest of digests) {
    const source = paths.blob(digest);
    const size = await fileSize(source);
    if (size === undefined) continue;
    const file = path.join(trashDir, digest.replace(':', '-'));
    try {
      await fs.rename(source, file);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue;
      throw ioError('move', source, err);
    }
    trashed.push({ digest, file, size });
  }
  return trashed;
}

/** Puts a trashed blob back (a copy written meanwhile by a pull is identical, so replacing it is fine). */
async function restore(file: string, target: string): Promise<void> {
  try {
    await fs.rename(file, target);
  } catch (err) {
    throw ioError('restore', target, err);
  }
}

/** Leftovers of a GC that died between its two phases go back to blobs/ (never delete on doubt). */
async function restoreTrash(paths: LayoutPaths): Promise<void> {
  for (const run of await readdirOrEmpty(paths.trash)) {
    const dir = path.join(paths.trash, run);
    for (const name of await readdirOrEmpty(dir)) {
      const digest = name.replace('-', ':');
      if (isDigest(digest)) await restore(path.join(dir, name), paths.blob(digest));
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return [];
    throw ioError('read', dir, err);
  }
}
