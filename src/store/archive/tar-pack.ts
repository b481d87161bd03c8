// Writing image archives with tar-stream's pack: fixed entry times and modes, so the same
// images always give the same bytes, and blobs streamed from a layout (never whole in memory),
// checked against their digest on the way so a corrupt store never yields a valid-looking tar.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import type { LayoutStore } from '../layout/layout-store.js';

/** Fixed entry times: writing the same images twice gives the same bytes. */
const MTIME = new Date(0);

/** `blobs/<alg>/<hex>`, the blob's name in an OCI layout. */
export const blobEntryName = (digest: string): string => `blobs/${parseDigest(digest).algorithm}/${parseDigest(digest).hex}`;

export function packFile(p: Pack, name: string, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    p.entry({ name, mtime: MTIME, mode: 0o644 }, typeof data === 'string' ? Buffer.from(data) : data, (err) => (err ? reject(err) : resolve()));
  });
}

export function packDirectory(p: Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    p.entry({ name, type: 'directory', mtime: MTIME, mode: 0o755 }, (err) => (err ? reject(err) : resolve()));
  });
}

/** The blob's bytes from the layout, failing before its last byte when they are not what the digest says. */
async function* verified(store: LayoutStore, d: Descriptor, where: string): AsyncGenerator<Uint8Array> {
  const digester = createDigester(parseDigest(d.digest).algorithm);
  let size = 0;
  for await (const chunk of store.openBlob(d.digest)) {
    digester.update(chunk as Uint8Array);
    size += (chunk as Uint8Array).byteLength;
    if (size === d.size && digester.digest() !== d.digest) throw new DigestMismatchError(d.digest, digester.digest(), `blob ${d.digest} in ${where}`);
    yield chunk as Uint8Array;
  }
  if (size !== d.size) throw new RegctlError('REGCTL_LAYOUT', `blob ${d.digest} in ${where} is ${size} bytes, its descriptor says ${d.size}`);
}

/** Streams blob `d` of `store` into the tar as blobs/<alg>/<hex>. */
export async function packBlob(p: Pack, store: LayoutStore, d: Descriptor, where: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const entry = p.entry({ name: blobEntryName(d.digest), size: d.size, mtime: MTIME, mode: 0o444 }, (err) => (err ? reject(err) : resolve()));
    pipeline(Readable.from(verified(store, d, where)), entry).catch(reject);
  });
}

/**
 * Streams a tar into `out`: `fill` adds the entries, then the archive is finalized. A failure
 * in `fill` destroys the pack (and so the output stream) before it is rethrown.
 */
export async function writeTar(out: Writable, signal: AbortSignal | undefined, fill: (p: Pack) => Promise<void>): Promise<void> {
  const p = pack();
  const written = pipeline(p, out, ...(signal ? [{ signal }] : []));
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
