// Writing a tar+gzip to a temp file in one stream, as both local packers need it (an artifact's
// directory, oras-style, and append's layer): the caller fills the tar entry by entry, the tar is
// hashed on its way into gzip, the gzip on its way to the file, and the file is never held in
// memory. On any failure or abort the temp directory is removed.
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Header, type Pack } from 'tar-stream';
import { RegctlError, isRegctlError } from '../../errors.js';
import { createDigester, type Digester } from '../../oci/digest.js';
import { fixedHeader } from '../archive/layer-compression.js';
import { ioError } from '../layout/layout-fs.js';
import type { HashedFile } from './file-blob.js';

export type TarEntry = Partial<Header> & { name: string };

export interface TarGzipFile extends HashedFile {
  /** sha256 of the uncompressed tar. */
  tarDigest: string;
  /** Removes the temp file and its directory. */
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

/** Adds one entry (with `body` for a regular file) and resolves once it is in the tar. */
export function addEntry(p: Pack, header: TarEntry, body?: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = p.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) pipeline(body, entry).catch(reject);
  });
}

export interface TarGzipOptions {
  tmpDir?: string;
  /** The temp directory's name prefix. */
  prefix: string;
  /** The file's name in it. */
  fileName: string;
  /** Gzip header with the OS byte fixed (reproducible on any platform). */
  fixedHeader?: boolean;
  signal?: AbortSignal;
}

/** Runs `fill` on a tar whose gzip goes to a new temp file; returns the file with both digests. */
export async function writeTarGzip(fill: (p: Pack) => Promise<void>, opts: TarGzipOptions): Promise<TarGzipFile> {
  const tmpRoot = opts.tmpDir ?? os.tmpdir();
  const tempDir = await fs.mkdtemp(path.join(tmpRoot, opts.prefix)).catch((err: unknown) => {
    throw ioError('create a temp directory in', tmpRoot, err);
  });
  const remove = () => fs.rm(tempDir, { recursive: true, force: true });
  const file = path.join(tempDir, opts.fileName);
  const tarHash = new Hashing(createDigester());
  const gzipHash = new Hashing(createDigester());
  const p = pack();
  try {
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    const signal = opts.signal ? [{ signal: opts.signal }] : [];
    const written = opts.fixedHeader
      ? pipeline(p, tarHash, createGzip(), fixedHeader(), gzipHash, out, ...signal)
      : pipeline(p, tarHash, createGzip(), gzipHash, out, ...signal);
    // An abort or a write error can settle `written` while `fill` still awaits the disk; without
    // a handler by then Node reports an unhandled rejection and exits. It is awaited below.
    written.catch(() => undefined);
    try {
      await fill(p);
      p.finalize();
    } catch (err) {
      p.destroy(err as Error);
      await written.catch(() => undefined);
      throw err;
    }
    await written.catch((err: unknown) => {
      throw isRegctlError(err) ? err : ioError('write', file, err);
    });
    const stat = await fs.stat(file);
    return { file, digest: gzipHash.digester.digest(), size: stat.size, mtimeMs: stat.mtimeMs, tarDigest: tarHash.digester.digest(), remove };
  } catch (err) {
    await remove();
    if (opts.signal?.aborted) throw new RegctlError('REGCTL_ABORTED', 'interrupted', { cause: err });
    throw err;
  }
}
