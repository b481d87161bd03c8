// A directory as oras pushes it (oras-go content/file, descriptorFromDir and tarDirectory): one
// tar+gzip layer whose entries are named under the layer's title (`docs`, `docs/a.txt`, ...),
// walked in name order, owner 0:0 without names, modes and times kept, symlinks stored as links
// (never followed), hard links as regular files. The tar is hashed on its way into gzip (oras's
// `io.deis.oras.content.digest`) and the gzip on its way to a temp file, which the transfer then
// streams: the directory is read once and never held in memory.
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { Pack } from 'tar-stream';
import { RegctlError } from '../../errors.js';
import { ioError } from '../layout/layout-fs.js';
import { addEntry, writeTarGzip, type TarEntry, type TarGzipFile } from './tar-gzip-file.js';

export type PackedDirectory = TarGzipFile;

function headerOf(name: string, stat: Stats): TarEntry {
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
  return writeTarGzip((p) => walk(p, dir, title, opts.signal), {
    prefix: 'regctl-artifact-',
    fileName: `${title}.tar.gz`.replace(/\//g, '_'),
    ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
