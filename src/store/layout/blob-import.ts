// Adopting a finished file as a blob. An embedded registry receives an upload over several
// requests (POST, PATCH chunks, PUT ?digest=), so its bytes cannot be hashed as one stream the
// way blob-writer.ts does; the session file is hashed here once it is complete, checked
// against the digest, fsynced and only then renamed into blobs/ (the same file system, so no
// copy). A file that does not match is deleted: it can never become visible.
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { DigestMismatchError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import { fileSize, ioError, mkdirs } from './layout-fs.js';
import type { LayoutPaths } from './layout-paths.js';

/** Moves `file` into the store as `digest` after verifying it; consumed either way. */
export async function importBlobFile(paths: LayoutPaths, digest: string, file: string): Promise<{ skipped: boolean }> {
  const target = paths.blob(digest);
  try {
    const actual = await digestOfFile(file, digest);
    if (actual !== digest) throw new DigestMismatchError(digest, actual, 'blob');
    if ((await fileSize(target)) !== undefined) return { skipped: true };
    await mkdirs(path.dirname(target));
    await syncFile(file);
    await fs.chmod(file, 0o644);
    await fs.rename(file, target);
    return { skipped: false };
  } catch (err) {
    throw ioError('store blob', target, err);
  } finally {
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}

async function digestOfFile(file: string, digest: string): Promise<string> {
  const digester = createDigester(parseDigest(digest).algorithm);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) digester.update(chunk as Buffer);
  return digester.digest();
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
