// `regctl store check`: an fsck of the store. Every blob under blobs/ is re-hashed (a blob is
// verified when it is written, but disks rot and people edit files), and every index.json entry
// is walked (manifests, configs, layers) to find content that is missing, of the wrong size, or
// corrupt. With `repair`, corrupt blobs are removed (a later pull fetches them again) and entries
// whose content is gone are dropped from index.json, under the store lock, in one atomic write.
// The slow part (hashing) runs without the lock, so pulls are not held up by a check.
import { promises as fs } from 'node:fs';
import { parseManifest, type Descriptor } from '../../oci/manifest.js';
import { isImageManifestMediaType, isIndexMediaType } from '../../oci/media-types.js';
import { hashBlobFile, hashBlobs } from './blob-verify.js';
import { listBlobs } from './gc.js';
import { imageNameOf } from './image-names.js';
import { readIndex, writeIndex } from './index-file.js';
import { fileSize, ioError } from './layout-fs.js';
import type { LayoutPaths } from './layout-paths.js';
import { MAX_MANIFEST_BYTES } from './reachability.js';
import { forgetSources } from './sources-file.js';
import { withStoreLock } from './store-lock.js';

export type StoreProblemKind = 'corrupt' | 'missing' | 'size' | 'manifest';

export interface StoreProblem {
  kind: StoreProblemKind;
  digest: string;
  /** One line, e.g. `blob sha256:… is corrupt: its content hashes to sha256:…`. */
  message: string;
}

export interface CheckStoreOptions {
  /** Remove corrupt blobs and the index entries whose content is gone. */
  repair?: boolean;
  /** Blobs hashed at once (default 4). */
  concurrency?: number;
}

export interface CheckStoreResult {
  /** Blob files re-hashed. */
  blobs: number;
  /** index.json entries walked. */
  entries: number;
  problems: StoreProblem[];
  /** With repair: blobs deleted, and entries (name, or digest when unnamed) dropped. */
  removedBlobs: string[];
  removedEntries: string[];
}

export async function checkStore(paths: LayoutPaths, opts: CheckStoreOptions = {}): Promise<CheckStoreResult> {
  const blobs = await listBlobs(paths);
  const hashes = await hashBlobs(blobs, (d) => paths.blob(d), opts.concurrency);
  const problems: StoreProblem[] = [];
  const corrupt = new Set<string>();
  blobs.forEach((digest, i) => {
    const actual = hashes[i];
    if (actual === undefined || actual === digest) return; // gone meanwhile (a concurrent prune), or fine
    corrupt.add(digest);
    problems.push({ kind: 'corrupt', digest, message: `blob ${digest} is corrupt: its content hashes to ${actual}` });
  });
  const entries = (await readIndex(paths.index))?.manifests ?? [];
  const broken = new Set<string>();
  const reported = new Set<string>();
  for (const entry of entries) {
    if (await walkEntry(paths, entry, corrupt, problems, reported)) broken.add(entry.digest);
  }
  const result: CheckStoreResult = { blobs: blobs.length, entries: entries.length, problems, removedBlobs: [], removedEntries: [] };
  if (opts.repair && (corrupt.size > 0 || broken.size > 0)) await repair(paths, corrupt, broken, result);
  return result;
}

/** Walks one entry's content; true when some of it is missing, corrupt, mis-sized or unreadable. */
async function walkEntry(paths: LayoutPaths, entry: Descriptor, corrupt: ReadonlySet<string>, problems: StoreProblem[], reported: Set<string>): Promise<boolean> {
  const label = `index.json entry ${imageNameOf(entry) ?? entry.digest}`;
  const report = (kind: StoreProblemKind, digest: string, message: string) => {
    // A layer shared by ten images is one problem, not ten lines.
    if (reported.has(`${kind} ${digest}`)) return;
    reported.add(`${kind} ${digest}`);
    problems.push({ kind, digest, message });
  };
  let isBroken = false;
  const seen = new Set<string>();
  const queue = [{ d: entry, from: label }];
  for (let item = queue.shift(); item; item = queue.shift()) {
    const { d, from } = item;
    if (seen.has(d.digest)) continue; // also ends cycles
    seen.add(d.digest);
    const file = paths.blob(d.digest);
    const size = await fileSize(file);
    if (size === undefined) {
      report('missing', d.digest, `missing blob ${d.digest} (referenced by ${from})`);
      isBroken = true;
      continue;
    }
    if (corrupt.has(d.digest)) {
      isBroken = true; // already reported with the blob
      continue;
    }
    if (size !== d.size) {
      report('size', d.digest, `blob ${d.digest} is ${size} bytes, ${from} says ${d.size}`);
      isBroken = true;
    }
    if (!isIndexMediaType(d.mediaType) && !isImageManifestMediaType(d.mediaType)) continue;
    try {
      if (size > MAX_MANIFEST_BYTES) throw new Error(`larger than ${MAX_MANIFEST_BYTES} bytes`);
      const parsed = parseManifest(await fs.readFile(file), d.mediaType);
      const children = parsed.kind === 'index' ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
      const kind = parsed.kind === 'index' ? 'index' : 'manifest';
      for (const child of children) queue.push({ d: child, from: `${kind} ${d.digest} of ${label}` });
    } catch (err) {
      report('manifest', d.digest, `manifest ${d.digest} cannot be read: ${(err as Error).message}`);
      isBroken = true;
    }
  }
  return isBroken;
}

/**
 * Under the index lock (no pull indexes, no GC runs meanwhile): a blob is removed only if it is
 * still corrupt (a `pull --verify` may have replaced it since), and entries are dropped by
 * digest from the index as it is now, written back atomically.
 */
async function repair(paths: LayoutPaths, corrupt: ReadonlySet<string>, broken: ReadonlySet<string>, result: CheckStoreResult): Promise<void> {
  await withStoreLock(paths.indexLock, paths.index, async () => {
    for (const digest of corrupt) {
      const file = paths.blob(digest);
      const actual = await hashBlobFile(file, digest);
      if (actual === undefined || actual === digest) continue;
      await fs.rm(file, { force: true }).catch((err: unknown) => {
        throw ioError('remove', file, err);
      });
      result.removedBlobs.push(digest);
    }
    const index = await readIndex(paths.index);
    if (!index) return;
    const gone = (d: Descriptor) => broken.has(d.digest) || result.removedBlobs.includes(d.digest);
    const kept = index.manifests.filter((d) => !gone(d));
    if (kept.length === index.manifests.length) return;
    result.removedEntries.push(...index.manifests.filter(gone).map((d) => imageNameOf(d) ?? d.digest));
    await writeIndex(paths.index, { ...index, manifests: kept });
  });
  await forgetSources(paths, result.removedBlobs);
}
