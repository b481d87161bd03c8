// Unpacks a directory layer oras packed (io.deis.oras.content.unpack): a tar+gzip whose entries
// are named under the layer's title, into a fresh directory standing for that title. Every entry
// goes through the checks of safe-path.ts (under the title, no `..`, not absolute, no symbolic
// link on the way, link targets inside), as oras-go's extractTarDirectory checks them; regular
// files, directories and links are made, other entry types skipped as oras skips them. The
// uncompressed tar is hashed on the way and must match io.deis.oras.content.digest when the
// layer has one. A failure leaves the half-made directory to the caller, who removes it.
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { DigestMismatchError, RegctlError, isRegctlError } from '../../errors.js';
import { createDigester, isDigest, parseDigest } from '../../oci/digest.js';
import { errnoCode } from '../../util/fs-errors.js';
import { ioError } from '../layout/layout-fs.js';
import { assertNoLinkOnTheWay, entryBelow } from './safe-path.js';

export interface UnpackOptions {
  /** The layer's title: every entry must be under it. */
  prefix: string;
  /** io.deis.oras.content.digest, checked when it is a digest. */
  tarDigest?: string | undefined;
  /** Named in messages. */
  where: string;
  signal?: AbortSignal;
}

/** Removes what is at `file` without following it (a later tar entry replaces an earlier one). */
async function clearForFile(file: string): Promise<void> {
  const stat = await fs.lstat(file).catch((err: unknown) => (errnoCode(err) === 'ENOENT' ? undefined : Promise.reject(err)));
  if (!stat) return;
  if (stat.isDirectory()) throw new RegctlError('REGCTL_IO', `cannot unpack ${file}: a directory of that name was unpacked before it`);
  await fs.unlink(file);
}

async function writeEntry(root: string, rel: string, header: Header, body: AsyncIterable<Buffer>, opts: UnpackOptions): Promise<void> {
  const target = rel === '.' ? root : path.join(root, rel);
  await assertNoLinkOnTheWay(root, rel, opts.where);
  const mode = (header.mode ?? 0o644) & 0o777;
  switch (header.type) {
    case 'directory':
      if (rel !== '.') await fs.mkdir(target, { recursive: true, mode: mode | 0o700 });
      return;
    case 'file':
    case 'contiguous-file': {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await clearForFile(target);
      // 'wx': never through a link that appeared in between.
      const handle = await fs.open(target, 'wx', mode);
      try {
        for await (const chunk of body) await handle.write(chunk);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (header.mtime) await fs.utimes(target, header.mtime, header.mtime).catch(() => undefined);
      return;
    }
    case 'symlink':
    case 'link': {
      const linkname = header.linkname ?? '';
      // A symlink's target is relative to its own directory; a hard link names an archive entry.
      const linked = header.type === 'symlink' ? path.posix.join(path.posix.dirname(header.name), linkname) : linkname;
      if (path.posix.isAbsolute(linkname)) throw new RegctlError('REGCTL_IO', `refusing to unpack ${header.name} from the artifact: it links to the absolute path ${linkname}, outside ${opts.where}`);
      const linkedRel = entryBelow(linked, opts.prefix, opts.where);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await clearForFile(target);
      if (header.type === 'symlink') await fs.symlink(linkname, target);
      else {
        await assertNoLinkOnTheWay(root, linkedRel, opts.where);
        const source = path.join(root, linkedRel);
        const stat = await fs.lstat(source).catch(() => undefined);
        if (!stat?.isFile()) throw new RegctlError('REGCTL_IO', `refusing to unpack ${header.name} from the artifact: its hard link target ${linkname} is not a file unpacked before it`);
        await fs.link(source, target);
      }
      return;
    }
    default:
      // Devices, FIFOs and the like: oras skips them too.
      for await (const _chunk of body) void _chunk;
  }
}

class Hashing extends Transform {
  readonly digester;
  constructor(algorithm: ReturnType<typeof parseDigest>['algorithm']) {
    super();
    this.digester = createDigester(algorithm);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.digester.update(chunk);
    done(null, chunk);
  }
}

/** Unpacks the tar+gzip `file` into the existing empty directory `root`. */
export async function unpackDirectoryLayer(file: string, root: string, opts: UnpackOptions): Promise<void> {
  const check = opts.tarDigest && isDigest(opts.tarDigest) ? opts.tarDigest : undefined;
  const hashing = new Hashing(check ? parseDigest(check).algorithm : 'sha256');
  const ex = extract();
  const feeding = pipeline(createReadStream(file), createGunzip(), hashing, ex, ...(opts.signal ? [{ signal: opts.signal }] : []));
  try {
    for await (const entry of ex) {
      const rel = entryBelow(entry.header.name, opts.prefix, opts.where);
      await writeEntry(root, rel, entry.header, entry as AsyncIterable<Buffer>, opts);
    }
    await feeding;
  } catch (err) {
    ex.destroy();
    await feeding.catch(() => undefined);
    if (opts.signal?.aborted) throw new RegctlError('REGCTL_ABORTED', 'interrupted', { cause: err });
    if (isRegctlError(err)) throw err;
    throw ioError('unpack', `${opts.prefix} into ${opts.where}`, err);
  }
  if (check && hashing.digester.digest() !== check) throw new DigestMismatchError(check, hashing.digester.digest(), `the unpacked tar of ${opts.prefix}`);
}
