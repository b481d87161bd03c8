// One blob of an artifact written to a hidden temp file inside the output directory: hashed
// while it streams, fsynced, and refused (and removed) unless its size and digest are what the
// descriptor says, so only verified bytes are ever renamed into place. A dropped read resumes
// where it stopped, as the registry serves ranges.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DigestMismatchError, RegctlError, isRegctlError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { withRetry } from '../../transport/retry.js';
import type { BlobSource, PutBlobOptions } from '../backend.js';
import { ioError } from '../layout/layout-fs.js';

/** Reads of one blob, the first included. */
const ATTEMPTS = 4;
/** Failures worth reading the rest again for: the connection, not the content. */
const RESUMABLE = new Set(['REGCTL_NETWORK', 'REGCTL_TIMEOUT']);

/** A hidden name in `dir` for work in progress; close() of the destination removes what is left. */
export function tempName(dir: string, what: string): string {
  return path.join(dir, `.regctl-${what}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Streams `source` into the new file `file`; resolves with the bytes received once they are verified. */
export async function writeStagedBlob(file: string, d: Descriptor, source: BlobSource, o: PutBlobOptions = {}): Promise<number> {
  const digester = createDigester(parseDigest(d.digest).algorithm);
  let handle: fs.FileHandle | undefined;
  let written = 0;
  let received = 0;
  try {
    // The mode any file the user writes gets (the umask applies): this file is renamed into place as it is.
    handle = await fs.open(file, 'wx', 0o666).catch((err: unknown) => {
      throw ioError('create', file, err);
    });
    const out = handle;
    // Each attempt reads on from what the file already holds (the registry serves ranges).
    await withRetry(
      async () => {
        for await (const chunk of source.read(written, d.size)) {
          o.signal?.throwIfAborted();
          if (written + chunk.byteLength > d.size) throw new RegctlError('REGCTL_DIGEST_MISMATCH', `blob ${d.digest} is larger than its descriptor's ${d.size} bytes`);
          await out.write(chunk).catch((err: unknown) => {
            throw ioError('write', file, err);
          });
          digester.update(chunk);
          written += chunk.byteLength;
          received += chunk.byteLength;
          o.onBytes?.(written);
        }
      },
      {
        attempts: ATTEMPTS,
        ...(o.signal ? { signal: o.signal } : {}),
        shouldRetry: (err) => ({ retry: isRegctlError(err) && RESUMABLE.has(err.code) }),
        onRetry: (info) => o.onRetry?.({ offset: written, delayMs: info.delayMs, reason: info.reason }),
      },
    );
    if (written !== d.size) throw new RegctlError('REGCTL_DIGEST_MISMATCH', `blob ${d.digest} ended after ${written} of its ${d.size} bytes`);
    const actual = digester.digest();
    if (actual !== d.digest) throw new DigestMismatchError(d.digest, actual, `blob ${d.digest}`);
    await handle.sync();
    await handle.close();
    handle = undefined;
    return received;
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(file, { force: true });
    if (o.signal?.aborted && !isRegctlError(err)) throw new RegctlError('REGCTL_ABORTED', 'interrupted', { cause: err });
    throw err;
  }
}
