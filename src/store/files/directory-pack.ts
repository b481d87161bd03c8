// A directory as oras pushes it (oras-go content/file, descriptorFromDir and tarDirectory): one
// tar+gzip layer whose entries are named under the layer's title (`docs`, `docs/a.txt`, ...),
// walked in name order, owner 0:0 without names, modes and times kept, symlinks stored as links
// (never followed), hard links as regular files. The tar is hashed on its way into gzip (oras's
// `io.deis.oras.content.digest`) and the gzip on its way to a temp file, which the transfer then
// streams: the directory is read once and never held in memory.
import { createReadStream, createWriteStream, promises as fs, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Header, type Pack } from 'tar-stream';
import { RegctlError, isRegctlError } from '../../errors.js';
import { createDigester, type Digester } from '../../oci/digest.js';
import { ioError } from '../layout/layout-fs.js';
import type { HashedFile } from './file-blob.js';

export interface PackedDirectory extends HashedFile {
  /** sha256 of the uncompressed tar. */
  tarDigest: string;
  /** Removes the temp file. */
  remove(): Promise<void>;
}

class Hashing extends Transform {
  constructor(readonly digester: Digester) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.digester.update(chunk);
    done(null, chunk);
  }
}

function addEntry(p: Pack, header: Partial<Header> & { name: string }, body?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = p.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) pipeline(body, entry).catch(reject);
  });
}

function headerOf(name: string, stat: Stats): Partial<Header> & { name: string } {
  return { name, mode: stat.mode & 0o7777, mtime: stat.mtime, uid: 0, gid: 0, uname: '', gname: '' };
}

/** Go's filepath.Walk order: the directory, then its entries sorted bytewise, depth first. */
async function walk(p: Pack, dir: string, name: string, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  const stat = await fs.lstat(dir).catch((err: unknown) => {
    throw ioError('read', dir, err);
  });
  await addEntry(p, { ...headerOf(name, stat), type: 'directory' });
  const names = (await fs.readdir(dir).catch((err: unknown) => {
    throw ioError('read', dir, err);
  })).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const child of names) {
    const file = path.join(dir, child);
    const entryName = `${name}/${child}`;
    const info = await fs.lstat(file).catch((err: unknown) => {
      throw ioError('read', file, err);
    });
    if (info.isDirectory()) await walk(p, file, entryName, signal);
    else if (info.isSymbolicLink()) {
      const linkname = await fs.readlink(file).catch((err: unknown) => {
        throw ioError('read', file, err);
      });
      await addEntry(p, { ...headerOf(entryName, info), type: 'symlink', linkname });
    } else if (info.isFile()) {
      await addEntry(p, { ...headerOf(entryName, info), size: info.size }, createReadStream(file));
    } else {
      throw new RegctlError('REGCTL_IO', `cannot pack ${file}: not a regular file, directory or symlink`);
    }
  }
}

/** Packs `dir` with entries under `title` into a tar+gzip temp file in `tmpDir`. */
export async function packDirectory(dir: string, title: string, opts: { tmpDir?: string; signal?: AbortSignal } = {}): Promise<PackedDirectory> {
  const tempDir = await fs.mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), 'regctl-artifact-')).catch((err: unknown) => {
    throw ioError('create a temp directory in', opts.tmpDir ?? os.tmpdir(), err);
  });
  const remove = () => fs.rm(tempDir, { recursive: true, force: true });
  const file = path.join(tempDir, `${title}.tar.gz`.replace(/\//g, '_'));
  const tarHash = new Hashing(createDigester());
  const gzipHash = new Hashing(createDigester());
  const p = pack();
  try {
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    const written = pipeline(p, tarHash, createGzip(), gzipHash, out, ...(opts.signal ? [{ signal: opts.signal }] : []));
    try {
      await walk(p, dir, title, opts.signal);
      p.finalize();
    } catch (err) {
      p.destroy(err as Error);
      await written.catch(() => undefined);
      throw err;
    }
    await written.catch((err: unknown) => {
      throw isRegctlError(err) ? err : ioError('write', file, err);
    });
    const handle = await fs.open(file, 'r');
    const stat = await handle.stat().finally(() => handle.close());
    return { file, digest: gzipHash.digester.digest(), size: stat.size, mtimeMs: stat.mtimeMs, tarDigest: tarHash.digester.digest(), remove };
  } catch (err) {
    await remove();
    if (opts.signal?.aborted) throw new RegctlError('REGCTL_ABORTED', 'interrupted', { cause: err });
    throw err;
  }
}
