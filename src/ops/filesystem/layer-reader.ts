// One layer of an image as its uncompressed tar, streamed: the blob's bytes are hashed as they
// arrive and checked against the descriptor's size and digest (a wrong byte fails the read before
// the layer's last entry is given out), then gunzipped when they are gzip. The compression is
// told by the bytes (gzip and zstd magic), not trusted from the media type, as go-containerregistry
// peeks it; an uncompressed tar passes as it is. zstd is refused: Node 20's zlib has no zstd.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header } from 'tar-stream';
import { createGunzip } from 'node:zlib';
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { baseMediaType } from '../../oci/media-types.js';
import type { BlobSource } from '../../store/backend.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function zstdRefused(d: Descriptor, where: string): RegctlError {
  return new RegctlError('REGCTL_UNSUPPORTED', `layer ${d.digest} of ${where} is zstd-compressed, which regctl cannot decompress (Node 20 has no zstd)`, {
    hint: 'convert the image to gzip layers (e.g. skopeo copy --dest-compress-format gzip) and try again',
  });
}

/** Refuses, before anything is read, a layer the reader cannot decompress (by its media type). */
export function assertReadableLayer(d: Descriptor, where: string): void {
  const mt = baseMediaType(d.mediaType);
  if (mt.endsWith('+zstd') || mt.endsWith('.zstd')) throw zstdRefused(d, where);
}

/** The blob's bytes, failing at the end (before the last chunk is given out) unless they are blob `d`. */
async function* verified(bytes: AsyncIterable<Uint8Array>, d: Descriptor, where: string): AsyncGenerator<Uint8Array> {
  const digester = createDigester(parseDigest(d.digest).algorithm);
  const wrongSize = (size: number) => new RegctlError('REGCTL_DIGEST_MISMATCH', `layer ${d.digest} of ${where} is ${size} bytes, its descriptor says ${d.size}`);
  let size = 0;
  for await (const chunk of bytes) {
    digester.update(chunk);
    size += chunk.byteLength;
    if (size > d.size) throw wrongSize(size);
    if (size === d.size) {
      const actual = digester.digest();
      if (actual !== d.digest) throw new DigestMismatchError(d.digest, actual, `layer ${d.digest} of ${where}`);
    }
    yield chunk;
  }
  if (size !== d.size) throw wrongSize(size);
}

const startsWith = (chunk: Uint8Array, magic: readonly number[]) => magic.every((b, i) => chunk[i] === b);

/** The uncompressed tar of layer `d`, read from `blob`; destroying the stream stops the download. */
export function openLayerTar(blob: BlobSource, d: Descriptor, where: string): Readable {
  assertReadableLayer(d, where);
  const bytes = verified(blob.read(0, d.size), d, where);
  async function* decompressed(): AsyncGenerator<Uint8Array> {
    const it = bytes[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) return;
    const head = first.value;
    const rest = async function* () {
      yield head;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    };
    if (startsWith(head, ZSTD_MAGIC)) throw zstdRefused(d, where);
    if (!startsWith(head, GZIP_MAGIC)) {
      yield* rest();
      return;
    }
    const raw = Readable.from(rest());
    const gunzip = createGunzip();
    raw.on('error', (err) => gunzip.destroy(err));
    raw.pipe(gunzip);
    try {
      for await (const chunk of gunzip) yield chunk as Uint8Array;
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('Z_')) throw new RegctlError('REGCTL_UNSUPPORTED', `layer ${d.digest} of ${where} is not valid gzip: ${(err as Error).message}`, { cause: err });
      throw err;
    } finally {
      raw.destroy();
      gunzip.destroy();
    }
  }
  return Readable.from(decompressed(), { objectMode: false });
}

/** One entry of a layer: its tar header and its content (read it, or resume() it to skip). */
export interface LayerEntry {
  header: Header;
  stream: AsyncIterable<Uint8Array> & { resume(): unknown };
}

function isRegctl(err: unknown): err is RegctlError {
  return typeof (err as RegctlError)?.code === 'string' && (err as RegctlError).code.startsWith('REGCTL_');
}

/**
 * The entries of layer `d`, in order; the layer's digest is checked before the iteration ends.
 * Leaving the loop early stops reading (a registry download is aborted).
 */
export async function* layerEntries(blob: BlobSource, d: Descriptor, where: string, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
  const input = openLayerTar(blob, d, where);
  // Old (v7) tars have no ustar magic; their header checksum is still checked.
  const ex = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
  let failure: unknown;
  const done = pipeline(input, ex, ...(signal ? [{ signal }] : [])).catch((err: unknown) => {
    failure ??= err;
  });
  let finished = false;
  try {
    for await (const entry of ex) yield { header: entry.header, stream: entry as unknown as LayerEntry['stream'] };
    await done;
    finished = true;
  } catch (err) {
    failure ??= err;
  } finally {
    if (!finished) {
      input.destroy();
      ex.destroy();
    }
  }
  if (failure !== undefined) {
    if (signal?.aborted) throw new RegctlError('REGCTL_ABORTED', 'interrupted', { cause: failure });
    if (isRegctl(failure)) throw failure;
    throw new RegctlError('REGCTL_UNSUPPORTED', `layer ${d.digest} of ${where} is not a valid tar: ${(failure as Error).message}`, { cause: failure });
  }
}
