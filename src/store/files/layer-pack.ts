// One image layer from a directory or a tar, as `append` adds it: a gzip'd tar in a temp file,
// the tar hashed on its way into gzip (the config's diff_id) and the gzip on its way to the file
// (the blob digest), so nothing is held in memory and the file is read once. Reproducible: entries
// of a directory are sorted (Go's filepath.Walk order), every owner is 0:0 (or the one given)
// without names, and with a timestamp (SOURCE_DATE_EPOCH) every mtime is that; the gzip header is
// fixed (layer-compression.ts). A directory's hard links become tar links to the first name seen.
// A tar keeps its author's order (sorting would mean staging it whole); its names are normalised
// under DEST and one that climbs out of DEST is refused.
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Pack } from 'tar-stream';
import { RegctlError, isRegctlError } from '../../errors.js';
import { ioError } from '../layout/layout-fs.js';
import type { HashedFile } from './file-blob.js';
import { addEntry, writeTarGzip, type TarEntry } from './tar-gzip-file.js';

export interface LayerPackOptions {
  /** Where entries land in the image: an absolute POSIX path, default '/'. */
  dest?: string;
  /** uid/gid of every entry (default 0:0); user and group names are never written. */
  owner?: { uid: number; gid: number };
  /** SOURCE_DATE_EPOCH: every entry's mtime. Else the files' own mtimes are kept. */
  mtime?: Date;
  tmpDir?: string;
  signal?: AbortSignal;
}

export interface PackedLayer extends HashedFile {
  /** sha256 of the uncompressed tar: the config's diff_id. */
  diffId: string;
  /** Removes the temp file and its directory. */
  remove(): Promise<void>;
}

/** `name` (relative, slash-separated) under `dest`, without a leading slash. */
const under = (dest: string, name: string) => path.posix.join(dest, name).replace(/^\/+/, '');

function escapes(file: string, name: string, dest: string): RegctlError {
  return new RegctlError('REGCTL_IO', `cannot add ${file} as a layer: entry ${JSON.stringify(name)} escapes ${dest}`);
}

/** A tar entry's name normalised below `dest` (leading `/` and `./` dropped); refused when it climbs out. */
function tarName(file: string, name: string, dest: string): string {
  if (name.includes('\0')) throw escapes(file, name, dest);
  const normal = path.posix.normalize(name.replace(/^\/+/, '') || '.').replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw escapes(file, name, dest);
  return normal === '.' ? under(dest, '') : under(dest, normal);
}

// tar-stream writes ids in 6 octal digits (beyond, 0o777777 without a word) and seconds through a
// 32-bit int (a time past 2038 or before 1970 comes out garbled). Beyond those, as Go's
// archive/tar does: the field holds what fits and a PAX record the value, which readers prefer.
const MAX_ID = 0o777777;
const MAX_SECONDS = 2 ** 31 - 1;

class Stamp {
  constructor(private readonly opts: LayerPackOptions) {}
  header(name: string, mode: number, mtime: Date): TarEntry {
    const { uid, gid } = this.opts.owner ?? { uid: 0, gid: 0 };
    const when = this.opts.mtime ?? mtime;
    const seconds = Math.floor(when.getTime() / 1000);
    const pax: Record<string, string> = {};
    if (uid > MAX_ID) pax.uid = String(uid);
    if (gid > MAX_ID) pax.gid = String(gid);
    const fits = seconds >= 0 && seconds <= MAX_SECONDS;
    if (!fits) pax.mtime = String(seconds);
    return {
      name,
      mode: mode & 0o7777,
      mtime: fits ? when : new Date(Math.min(Math.max(seconds, 0), MAX_SECONDS) * 1000),
      uid: Math.min(uid, MAX_ID),
      gid: Math.min(gid, MAX_ID),
      uname: '',
      gname: '',
      ...(Object.keys(pax).length > 0 ? { pax } : {}),
    };
  }
}

async function lstat(file: string): Promise<Stats> {
  return fs.lstat(file).catch((err: unknown) => {
    throw ioError('read', file, err);
  });
}

/** Go's filepath.Walk order: the directory, then its entries sorted bytewise, depth first. */
async function walk(p: Pack, dir: string, name: string, stamp: Stamp, links: Map<string, string>, signal: AbortSignal | undefined): Promise<void> {
  const names = (await fs.readdir(dir).catch((err: unknown) => {
    throw ioError('read', dir, err);
  })).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const child of names) {
    signal?.throwIfAborted();
    const file = path.join(dir, child);
    const entryName = name === '' ? child : `${name}/${child}`;
    const info = await lstat(file);
    if (info.isDirectory()) {
      await addEntry(p, { ...stamp.header(`${entryName}/`, info.mode, info.mtime), type: 'directory' });
      await walk(p, file, entryName, stamp, links, signal);
    } else if (info.isSymbolicLink()) {
      const linkname = await fs.readlink(file).catch((err: unknown) => {
        throw ioError('read', file, err);
      });
      await addEntry(p, { ...stamp.header(entryName, info.mode, info.mtime), type: 'symlink', linkname });
    } else if (info.isFile()) {
      const key = `${info.dev}:${info.ino}`;
      const first = info.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        await addEntry(p, { ...stamp.header(entryName, info.mode, info.mtime), type: 'link', linkname: first });
        continue;
      }
      if (info.nlink > 1) links.set(key, entryName);
      await addEntry(p, { ...stamp.header(entryName, info.mode, info.mtime), size: info.size }, createReadStream(file));
    } else {
      throw new RegctlError('REGCTL_IO', `cannot add ${file} to a layer: not a regular file, directory or symbolic link`);
    }
  }
}

/** `info`: the directory as stat (not lstat) saw it, so a source given as a link to one gets its mode. */
async function packDirectoryEntries(p: Pack, dir: string, info: Stats, dest: string, stamp: Stamp, signal: AbortSignal | undefined): Promise<void> {
  const root = under(dest, '');
  if (root !== '') {
    await addEntry(p, { ...stamp.header(`${root}/`, info.mode, info.mtime), type: 'directory' });
  }
  await walk(p, dir, root, stamp, new Map(), signal);
}

const ZSTD_MAGIC = 0xfd2fb528;

async function openTar(file: string): Promise<Readable> {
  const handle = await fs.open(file, 'r').catch((err: unknown) => {
    throw ioError('read', file, err);
  });
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0).finally(() => handle.close());
  if (head.readUInt32LE(0) === ZSTD_MAGIC) throw new RegctlError('REGCTL_UNSUPPORTED', `cannot add ${file} as a layer: zstd is not supported; give a .tar or .tar.gz`);
  const input = createReadStream(file);
  if (head[0] !== 0x1f || head[1] !== 0x8b) return input;
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  return input.pipe(gunzip);
}

const KEPT_TYPES = new Set(['file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo', 'contiguous-file']);

/**
 * GNU sparse files (type S, or PAX GNU.sparse.*), volume labels, dump directories and other
 * types tar-stream cannot name: their data is no file's bytes, so copying it would be wrong.
 */
function unsupported(file: string, name: string, what: string): RegctlError {
  return new RegctlError('REGCTL_UNSUPPORTED', `cannot add ${file} as a layer: entry ${JSON.stringify(name)} is ${what}, which regctl does not copy`, {
    hint: 'repack the tar without it (GNU tar: without --sparse, --label or --listed-incremental)',
  });
}

/** The tar at `file`, entry by entry in its order, headers rewritten. */
async function copyTarEntries(p: Pack, file: string, dest: string, stamp: Stamp, signal: AbortSignal | undefined): Promise<void> {
  const ex = extract();
  const input = await openTar(file);
  const notTar = (err: unknown) => (isRegctlError(err) ? err : new RegctlError('REGCTL_IO', `cannot add ${file} as a layer: not a tar archive (${(err as Error).message})`, { cause: err }));
  const fed = pipeline(input, ex).catch((err: unknown) => {
    throw notTar(err);
  });
  let count = 0;
  try {
    for await (const entry of ex) {
      signal?.throwIfAborted();
      count++;
      const h = entry.header;
      if (h.type === null || h.type === undefined) throw unsupported(file, h.name, 'of an unknown tar type');
      if (Object.keys(h.pax ?? {}).some((k) => k.startsWith('GNU.sparse.'))) throw unsupported(file, h.name, 'a GNU sparse file');
      // PAX records are not copied: atime/ctime vary by machine, and tar-stream decodes values as
      // UTF-8, which would corrupt binary xattrs (SCHILY.xattr.security.capability).
      if (!KEPT_TYPES.has(h.type)) {
        entry.resume();
        continue;
      }
      const name = tarName(file, h.name, dest);
      if (name === '') {
        entry.resume();
        continue;
      }
      const header: TarEntry = { ...stamp.header(h.type === 'directory' ? `${name}/` : name, h.mode ?? 0o644, h.mtime ?? new Date(0)), type: h.type };
      if (h.type === 'link') header.linkname = tarName(file, h.linkname ?? '', dest);
      else if (h.type === 'symlink') header.linkname = h.linkname ?? '';
      if (h.type === 'character-device' || h.type === 'block-device') Object.assign(header, { devmajor: h.devmajor ?? 0, devminor: h.devminor ?? 0 });
      if (h.type === 'file' || h.type === 'contiguous-file') {
        header.type = 'file';
        header.size = h.size ?? 0;
        await addEntry(p, header, entry.pipe(new PassThrough()));
      } else {
        entry.resume();
        await addEntry(p, header);
      }
    }
  } catch (err) {
    ex.destroy();
    await fed.catch(() => undefined);
    throw signal?.aborted ? err : notTar(err);
  }
  await fed;
  if (count === 0) throw new RegctlError('REGCTL_IO', `cannot add ${file} as a layer: not a tar archive (no entries)`);
}

/** Packs `source` (a directory, or a tar / tar.gz file) as one gzip'd layer in a temp file. */
export async function packLayer(source: string, opts: LayerPackOptions = {}): Promise<PackedLayer> {
  // '/app/' as '/app': a trailing slash would double the root entry's (`app//`).
  const dest = path.posix.normalize(opts.dest ?? '/').replace(/(.)\/+$/, '$1');
  const info = await fs.stat(source).catch((err: unknown) => {
    throw ioError('read', source, err);
  });
  if (!info.isDirectory() && !info.isFile()) throw new RegctlError('REGCTL_IO', `cannot add ${source} as a layer: not a directory or a tar file`);
  const stamp = new Stamp(opts);
  const fill = (p: Pack) => (info.isDirectory() ? packDirectoryEntries(p, source, info, dest, stamp, opts.signal) : copyTarEntries(p, source, dest, stamp, opts.signal));
  const written = await writeTarGzip(fill, { prefix: 'regctl-layer-', fileName: 'layer.tar.gz', fixedHeader: true, ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  const { tarDigest, ...rest } = written;
  return { ...rest, diffId: tarDigest };
}
