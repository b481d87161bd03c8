// Whole-blob reads and writes for the small blobs (manifests, configs, indexes), and the
// streaming read used to push or export a layer. Reads do not re-verify: every blob was
// checked against its digest before it was renamed into blobs/.
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs, openSync, type ReadStream } from 'node:fs';
import path from 'node:path';
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import { errnoCode, fileSize, ioError, mkdirs } from './layout-fs.js';
import { TEMP_SUFFIX, stagingStem, type LayoutPaths } from './layout-paths.js';

/** Default cap for readBlobBytes: far above any real manifest or config. */
export const DEFAULT_READ_LIMIT = 16 * 1024 * 1024;

function notFound(digest: string, dir: string): RegctlError {
  return new RegctlError('REGCTL_NOT_FOUND', `blob ${digest} is not in the store ${dir}`);
}

/** Verifies `bytes` against `digest`, then stores them atomically; skipped when present. */
export async function writeBlobBytes(paths: LayoutPaths, digest: string, bytes: Uint8Array): Promise<{ skipped: boolean }> {
  const actual = createDigester(parseDigest(digest).algorithm).update(bytes).digest();
  if (actual !== digest) throw new DigestMismatchError(digest, actual, 'blob');
  const target = paths.blob(digest);
  if ((await fileSize(target)) === bytes.byteLength) return { skipped: true };
  await mkdirs(paths.staging);
  await mkdirs(path.dirname(target));
  const temp = path.join(paths.staging, `${stagingStem(digest)}.${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    const handle = await fs.open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw ioError('write blob', target, err);
  }
  return { skipped: false };
}

/** A stream of the blob's bytes; REGCTL_NOT_FOUND at once (not as a stream error) when absent. */
export function openBlobStream(paths: LayoutPaths, digest: string): ReadStream {
  const file = paths.blob(digest);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw notFound(digest, paths.dir);
    throw ioError('read', file, err);
  }
  return createReadStream(file, { fd, highWaterMark: 1024 * 1024 });
}

/** The whole blob; REGCTL_NOT_FOUND when absent, REGCTL_TOO_LARGE above `limit` bytes. */
export async function readBlobBytes(paths: LayoutPaths, digest: string, limit = DEFAULT_READ_LIMIT): Promise<Buffer> {
  const file = paths.blob(digest);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw notFound(digest, paths.dir);
    throw ioError('read', file, err);
  }
  try {
    const { size } = await handle.stat();
    if (size > limit) throw new RegctlError('REGCTL_TOO_LARGE', `blob ${digest} is ${size} bytes, above the ${limit}-byte limit`);
    return await handle.readFile();
  } catch (err) {
    throw ioError('read', file, err);
  } finally {
    await handle.close();
  }
}
