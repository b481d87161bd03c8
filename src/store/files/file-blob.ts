// A local file as a blob: hashed once by streaming it (to write its descriptor into the
// manifest), then streamed again, range by range, when the transfer reads it. The file is never
// held in memory. A file that changed in between (size or mtime) is refused before it is read
// again, so the descriptor already in the manifest cannot silently describe other bytes; the
// destination's own digest check covers a change during the read.
import { createReadStream, promises as fs } from 'node:fs';
import { RegctlError } from '../../errors.js';
import { createDigester } from '../../oci/digest.js';
import type { BlobSource } from '../backend.js';
import { ioError } from '../layout/layout-fs.js';

const READ_CHUNK = 1024 * 1024;

export interface HashedFile {
  file: string;
  digest: string;
  size: number;
  mtimeMs: number;
}

/** Streams `file` through sha256. */
export async function hashFile(file: string, signal?: AbortSignal): Promise<HashedFile> {
  const before = await fs.stat(file).catch((err: unknown) => {
    throw ioError('read', file, err);
  });
  const digester = createDigester();
  let size = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK, ...(signal ? { signal } : {}) })) {
      digester.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (err) {
    if (signal?.aborted) throw new RegctlError('REGCTL_ABORTED', 'interrupted', { cause: err });
    throw ioError('read', file, err);
  }
  if (size !== before.size) throw new RegctlError('REGCTL_IO', `${file} changed while it was being read`);
  return { file, digest: digester.digest(), size, mtimeMs: before.mtimeMs };
}

/** The bytes of a hashed file, re-read on every call; refused if the file changed since hashing. */
export function fileBlobSource(hashed: HashedFile, origin: string): BlobSource {
  return {
    digest: hashed.digest,
    size: hashed.size,
    origin,
    read: (start, end) => readRange(hashed, start, end),
  };
}

async function* readRange(hashed: HashedFile, start: number, end: number): AsyncGenerator<Uint8Array> {
  if (end <= start) return;
  const now = await fs.stat(hashed.file).catch((err: unknown) => {
    throw ioError('read', hashed.file, err);
  });
  if (now.size !== hashed.size || now.mtimeMs !== hashed.mtimeMs) {
    throw new RegctlError('REGCTL_IO', `${hashed.file} changed after it was hashed: run the command again`);
  }
  try {
    for await (const chunk of createReadStream(hashed.file, { start, end: end - 1, highWaterMark: READ_CHUNK })) yield chunk as Buffer;
  } catch (err) {
    throw ioError('read', hashed.file, err);
  }
}

/** A few bytes held in memory (the empty `{}` config and layer). */
export function bytesBlobSource(bytes: Buffer, digest: string): BlobSource {
  return {
    digest,
    size: bytes.length,
    read: async function* (start, end) {
      if (end > start) yield bytes.subarray(start, end);
    },
  };
}
