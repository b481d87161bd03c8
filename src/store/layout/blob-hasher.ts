// How a blob being written into the store is hashed. Small blobs: inline, chunk by chunk, on the
// thread that receives and writes them. Big blobs: by a worker thread that reads the staging
// file behind the writer (file-hasher.ts), which frees the writing thread of sha256 (0.6-0.7 s
// per GiB) and lets the second core do it. Either way the digest covers every byte of the file
// from 0, a resumed prefix included, and a failing worker only costs an inline hash of the file.
import { createDigester, type DigestAlgorithm, type Digester } from '../../oci/digest.js';
import { fileHasherPool } from './file-hasher.js';
import { ioError, layoutError } from './layout-fs.js';
import type { StagingFile } from './staging-file.js';

/**
 * Blobs of at least this size (known in advance) are hashed by a worker. Starting the worker
 * costs ~10 MiB of RSS and ~0.04 CPU-s once per process. Measured with `regctl pull` from a
 * local registry, paired runs (worker / inline, wall): one 8 MiB layer 1.07, one 16 MiB layer
 * 1.02, one 32 MiB 0.98, 32 x 8 MiB 0.95, 16 x 16 MiB 0.92, 16 x 32 MiB 0.88, 4 x 256 MiB
 * 0.75-0.80. So from 16 MiB on it pays as soon as an image has more than one such layer, and a
 * pull of small or many-layer images (2 MiB, 200 x 100 KiB) never starts it.
 */
export const WORKER_HASH_MIN_BYTES = 16 * 1024 * 1024;

const READ_CHUNK = 1024 * 1024;

export interface BlobHasher {
  /** `chunk` was written; the file now holds `length` bytes. */
  wrote(chunk: Uint8Array, length: number): void;
  /** The digest of the file's first `length` bytes, i.e. of everything written. */
  digest(length: number): Promise<string>;
  /** The write failed: no digest will be asked for. */
  cancel(): void;
}

export interface BlobHasherOptions {
  algorithm: DigestAlgorithm;
  /** Bytes already in the file (a resumed partial). */
  start: number;
  /** Expected size of the blob, when known. */
  size: number | undefined;
}

/** A hasher for the staging `file` open as `handle`. */
export async function openBlobHasher(handle: StagingFile, file: string, opts: BlobHasherOptions): Promise<BlobHasher> {
  const { algorithm, start, size } = opts;
  const job = size !== undefined && size >= WORKER_HASH_MIN_BYTES ? fileHasherPool.start(file, algorithm, start) : undefined;
  if (job !== undefined) {
    return {
      wrote: (_chunk, length) => job.advance(length),
      // The worker could not hash it (died, could not read): hash the file here; a real read
      // error then surfaces as REGCTL_IO like any other.
      digest: (length) => job.digest(length).catch(() => hashFile(handle, file, length, algorithm)),
      cancel: () => job.cancel(),
    };
  }
  const digester = createDigester(algorithm);
  await hashPrefix(handle, file, start, digester);
  return {
    wrote: (chunk) => void digester.update(chunk),
    digest: async () => digester.digest(),
    cancel: () => undefined,
  };
}

async function hashFile(handle: StagingFile, file: string, length: number, algorithm: DigestAlgorithm): Promise<string> {
  const digester = createDigester(algorithm);
  await hashPrefix(handle, file, length, digester);
  return digester.digest();
}

/** Feeds the file's first `length` bytes into the digest (a resumed blob is verified whole). */
async function hashPrefix(handle: StagingFile, file: string, length: number, digester: Digester): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(length, 1)));
  for (let position = 0; position < length; ) {
    let read: number;
    try {
      ({ bytesRead: read } = await handle.read(buffer, 0, Math.min(buffer.length, length - position), position));
    } catch (err) {
      throw ioError('read', file, err);
    }
    if (read === 0) throw layoutError(`partial ${file} shrank while being resumed`);
    digester.update(buffer.subarray(0, read));
    position += read;
  }
}
