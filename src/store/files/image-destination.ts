// An output directory as the destination of an artifact pull: each titled layer becomes the
// file (or, for an oras directory layer, the directory) its title names (artifact-entries.ts).
// Blobs stream into hidden temp files inside DIR, verified before anything is renamed
// (staged-blob.ts); a directory layer is unpacked into a hidden temp directory (tar-unpack.ts).
// commit() puts everything in place, checking again that no symbolic link is on the way and,
// without `overwrite`, that nothing is replaced (a hard link that fails on an existing name);
// a failure in the middle takes back what it had placed. close() removes whatever temp is left,
// and DIR itself when it made it and nothing was committed. Manifests are not written: a
// directory of files has no place for them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import { syncDirectory } from '../../util/atomic-write.js';
import { errnoCode } from '../../util/fs-errors.js';
import type { BlobPutResult, ImageDestination, ManifestResult, PutBlobOptions } from '../backend.js';
import { ioError } from '../layout/layout-fs.js';
import type { ArtifactEntry } from './artifact-entries.js';
import { assertNoLinkOnTheWay } from './safe-path.js';
import { tempName, writeStagedBlob } from './staged-blob.js';
import { unpackDirectoryLayer } from './tar-unpack.js';

export interface FilesDestinationOptions {
  /** Replace files (and directories) that are already there; default: refuse them. */
  overwrite?: boolean;
}

export interface FilesDestination extends ImageDestination {
  /** Where each entry was written (absolute paths), after commit(). */
  readonly written: readonly string[];
}

const lstatOrNone = (file: string) => fs.lstat(file).catch((err: unknown) => (errnoCode(err) === 'ENOENT' ? undefined : Promise.reject(ioError('read', file, err))));

function existsError(target: string): RegctlError {
  return new RegctlError('REGCTL_IO', `${target} already exists`, { hint: 'pull with --overwrite to replace it, or into another directory with -o DIR' });
}

/** The topmost directory mkdir -p made for `dir`, if it made any. */
async function makeDirectory(dir: string): Promise<string | undefined> {
  const stat = await lstatOrNone(dir);
  if (stat) {
    if (!(await fs.stat(dir)).isDirectory()) throw new RegctlError('REGCTL_IO', `${dir} is not a directory`);
    return undefined;
  }
  return (await fs.mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw ioError('create directory', dir, err);
  })) ?? undefined;
}

/** Opens DIR for `entries`, refusing up front what commit() would refuse: nothing is fetched for a pull that cannot be written. */
export async function openFilesDestination(dir: string, entries: readonly ArtifactEntry[], opts: FilesDestinationOptions = {}): Promise<FilesDestination> {
  const root = path.resolve(dir);
  for (const entry of entries) {
    await assertNoLinkOnTheWay(root, entry.rel, root);
    if (!opts.overwrite && (await lstatOrNone(path.join(root, entry.rel)))) throw existsError(path.join(root, entry.rel));
  }
  const createdRoot = await makeDirectory(root);
  const staged = new Map<ArtifactEntry, string>();
  const temps = new Set<string>();
  const written: string[] = [];
  let top: ManifestResult | undefined;
  let committed = false;
  let closed = false;

  /** Writes the blob once, then gives each entry of that digest its own staged copy. */
  async function putBlob(d: Descriptor, source: Parameters<ImageDestination['putBlob']>[1], o: PutBlobOptions = {}): Promise<BlobPutResult> {
    const mine = entries.filter((e) => e.descriptor.digest === d.digest);
    if (mine.length === 0) throw new RegctlError('REGCTL_INTERNAL', `blob ${d.digest} is not a file of the artifact`);
    const blob = tempName(root, 'blob');
    temps.add(blob);
    const bytes = await writeStagedBlob(blob, d, source, o);
    for (const entry of mine.filter((e) => e.unpack)) {
      const unpacked = tempName(root, 'dir');
      temps.add(unpacked);
      await fs.mkdir(unpacked, { mode: 0o755 });
      await unpackDirectoryLayer(blob, unpacked, { prefix: entry.rel, tarDigest: entry.tarDigest, where: root, ...(o.signal ? { signal: o.signal } : {}) });
      staged.set(entry, unpacked);
    }
    const files = mine.filter((e) => !e.unpack);
    for (const [i, entry] of files.entries()) {
      if (i === files.length - 1) staged.set(entry, blob);
      else {
        const copy = tempName(root, 'blob');
        temps.add(copy);
        await fs.copyFile(blob, copy, fs.constants.COPYFILE_EXCL).catch((err: unknown) => {
          throw ioError('write', copy, err);
        });
        staged.set(entry, copy);
      }
    }
    if (files.length === 0) await fs.rm(blob, { force: true });
    return { kind: 'written', bytes };
  }

  /** Puts one staged entry in place; returns what to remove to take it back (nothing when it replaced something). */
  async function place(entry: ArtifactEntry, from: string, madeDirs: string[]): Promise<string | undefined> {
    const target = path.join(root, entry.rel);
    await assertNoLinkOnTheWay(root, entry.rel, root);
    const made = await fs.mkdir(path.dirname(target), { recursive: true }).catch((err: unknown) => {
      throw ioError('create directory', path.dirname(target), err);
    });
    if (made) madeDirs.push(made);
    const existing = await lstatOrNone(target);
    if (existing && !opts.overwrite) throw existsError(target);
    if (!entry.unpack && !existing) {
      // link() fails on an existing name where rename() would replace it: no race with another writer.
      await fs.link(from, target).catch((err: unknown) => {
        throw errnoCode(err) === 'EEXIST' ? existsError(target) : ioError('write', target, err);
      });
      await fs.rm(from, { force: true });
    } else if (existing?.isDirectory()) {
      // rename() cannot replace a non-empty directory: the old one moves aside first.
      const aside = tempName(root, 'old');
      temps.add(aside);
      await fs.rename(target, aside);
      await fs.rename(from, target);
      await fs.rm(aside, { recursive: true, force: true });
    } else {
      if (existing && entry.unpack) await fs.rm(target, { force: true });
      await fs.rename(from, target).catch((err: unknown) => {
        throw ioError('write', target, err);
      });
    }
    temps.delete(from);
    await syncDirectory(path.dirname(target));
    return existing ? undefined : target;
  }

  return {
    name: root,
    written,
    putBlob,
    async putManifests(manifests) {
      top = manifests[manifests.length - 1];
      if (!top) throw new RegctlError('REGCTL_INTERNAL', `${root}: no manifest`);
      return top;
    },
    async commit() {
      const missing = entries.filter((e) => !staged.has(e));
      if (!top || missing.length > 0) throw new RegctlError('REGCTL_INTERNAL', `${root}: commit before ${missing.map((e) => e.title).join(', ') || 'the manifest'}`);
      const placed: string[] = [];
      const madeDirs: string[] = [];
      try {
        for (const entry of entries) {
          const target = await place(entry, staged.get(entry)!, madeDirs);
          if (target) placed.push(target);
          written.push(path.join(root, entry.rel));
        }
      } catch (err) {
        for (const file of placed.reverse()) await fs.rm(file, { recursive: true, force: true });
        for (const made of madeDirs.reverse()) await fs.rm(made, { recursive: true, force: true });
        written.length = 0;
        throw err;
      }
      committed = true;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const temp of temps) await fs.rm(temp, { recursive: true, force: true });
      if (!committed && createdRoot) await fs.rm(createdRoot, { recursive: true, force: true });
    },
  };
}
