// Re-hashing blobs that are already in a store. A blob is checked when it is written, but bits
// rot and people edit files: `store check` and `pull --verify` read the bytes again instead of
// trusting the file's size. Streamed in 1 MiB chunks, so a blob is never whole in memory.
import { createReadStream } from 'node:fs';
import { createDigester, parseDigest } from '../../oci/digest.js';
import { mapLimit } from '../../util/concurrency.js';
import { errnoCode, ioError } from './layout-fs.js';

/** Blobs hashed at once: enough to keep a disk busy, few enough to stay far from EMFILE. */
export const VERIFY_CONCURRENCY = 4;

/** The digest of `file` under `digest`'s algorithm; undefined when the file is missing. */
export async function hashBlobFile(file: string, digest: string): Promise<string | undefined> {
  const digester = createDigester(parseDigest(digest).algorithm);
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) digester.update(chunk as Buffer);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw ioError('read', file, err);
  }
  return digester.digest();
}

/** What the bytes under each digest hash to (undefined: missing), a few files at a time. */
export async function hashBlobs(digests: readonly string[], fileOf: (digest: string) => string, concurrency = VERIFY_CONCURRENCY): Promise<(string | undefined)[]> {
  return mapLimit(digests, Math.max(1, concurrency), (d) => hashBlobFile(fileOf(d), d));
}
