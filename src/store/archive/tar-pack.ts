// Writing image archives with tar-stream's pack: fixed entry times and modes, so the same
// images always give the same bytes, and blobs streamed (never whole in memory) from a layout
// or any transfer source, checked against their digest on the way so a corrupt source never
// yields a valid-looking tar.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';

/** Fixed entry times: writing the same images twice gives the same bytes. */
const MTIME = new Date(0);

/** `blobs/<alg>/<hex>`, the blob's name in an OCI layout. */
export const blobEntryName = (digest: string): string => `blobs/${parseDigest(digest).algorithm}/${parseDigest(digest).hex}`;

/** A small file from memory; a manifest packed as a blob passes 0o444, the mode of streamed blobs. */
export function packFile(p: Pack, name: string, data: Buffer | string, mode = 0o644): Promise<void> {
  return new Promise((resolve, reject) => {
    p.entry({ name, mtime: MTIME, mode }, typeof data === 'string' ? Buffer.from(data) : data, (err) => (err ? reject(err) : resolve()));
  });
}

export function packDirectory(p: Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    p.entry({ name, type: 'directory', mtime: MTIME, mode: 0o755 }, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * `bytes` as they should be blob `d`, failing before the last byte (so the tar entry is never
 * complete) when they are not what the digest says, or as soon as there are too many.
 */
async function* verified(bytes: AsyncIterable<Uint8Array>, d: Descriptor, where: string, onBytes?: (current: number) => void): AsyncGenerator<Uint8Array> {
  const digester = createDigester(parseDigest(d.digest).algorithm);
  const wrongSize = (size: number) => new RegctlError('REGCTL_LAYOUT', `blob ${d.digest} in ${where} is ${size} bytes, its descriptor says ${d.size}`);
  let size = 0;
  for await (const chunk of bytes) {
    digester.update(chunk);
    size += chunk.byteLength;
    if (size > d.size) throw wrongSize(size);
    if (size === d.size && digester.digest() !== d.digest) throw new DigestMismatchError(d.digest, digester.digest(), `blob ${d.digest} in ${where}`);
    yield chunk;
    onBytes?.(size);
  }
  if (size !== d.size) throw wrongSize(size);
}

/** Streams `bytes`, the content of blob `d` read from `where`, into the tar as blobs/<alg>/<hex>, verified. */
export async function packBlob(p: Pack, d: Descriptor, bytes: AsyncIterable<Uint8Array>, where: string, onBytes?: (current: number) => void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const entry = p.entry({ name: blobEntryName(d.digest), size: d.size, mtime: MTIME, mode: 0o444 }, (err) => (err ? reject(err) : resolve()));
    pipeline(Readable.from(verified(bytes, d, where, onBytes)), entry).catch(reject);
  });
}

/**
 * Streams a tar into `out`: `fill` adds the entries, then the archive is finalized. A failure
 * in `fill` destroys the pack (and so the output stream) before it is rethrown.
 */
export async function writeTar(out: Writable, signal: AbortSignal | undefined, fill: (p: Pack) => Promise<void>): Promise<void> {
  const p = pack();
  const written = pipeline(p, out, ...(signal ? [{ signal }] : []));
  // Handled from the start: a failed entry destroys the pack while `fill` may still be running.
  written.catch(() => undefined);
  try {
    await fill(p);
    p.finalize();
  } catch (err) {
    p.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
}
