// Layer compression in archives: telling a plain layer tar from a compressed one by its first
// bytes, and compressing a plain one on its way into a layout. docker-archive holds
// plain layer tars (`docker save` before Engine 25, skopeo's docker-archive, and docker 25's
// OCI part too), which registries and most layouts expect gzip'd: the bytes are streamed
// through zlib into a staging file while hashed, then adopted as a blob (verified, fsynced,
// renamed). The gzip header is fixed (mtime 0, OS "unknown", as Go's compress/gzip writes it),
// so the same layer always gives the same blob on any platform with the same zlib.
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlib } from 'node:zlib';
import { createDigester } from '../../oci/digest.js';
import { DOCKER_LAYER_TAR_GZIP, OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP, OCI_LAYER_TAR_ZSTD } from '../../oci/media-types.js';
import { LayoutPaths } from '../layout/layout-paths.js';
import type { LayoutStore } from '../layout/layout-store.js';

/** Old docker save layers are plain tars (media-types.ts has only the gzip one). */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';

const GZIP_OF: Readonly<Record<string, string>> = { [DOCKER_LAYER_TAR]: DOCKER_LAYER_TAR_GZIP, [OCI_LAYER_TAR]: OCI_LAYER_TAR_GZIP };

/** The media type a layer gets once gzip'd; undefined when it is not an uncompressed layer. */
export function gzipMediaType(mediaType: string): string | undefined {
  return GZIP_OF[mediaType];
}

/** A manifest.json layer's media type from its first bytes: gzip, zstd, or else a plain tar. */
export function sniffLayerMediaType(head: Uint8Array): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return DOCKER_LAYER_TAR_GZIP;
  if (head.length >= 4 && Buffer.from(head.buffer, head.byteOffset, 4).readUInt32LE(0) === 0xfd2fb528) return OCI_LAYER_TAR_ZSTD;
  return DOCKER_LAYER_TAR;
}

/** Byte 9 of a gzip member is the OS that wrote it; zlib puts the build's own there. */
const OS_BYTE = 9;
const OS_UNKNOWN = 0xff;

export function fixedHeader(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (seen <= OS_BYTE && seen + chunk.length > OS_BYTE) {
        chunk = Buffer.from(chunk);
        chunk[OS_BYTE - seen] = OS_UNKNOWN;
      }
      seen += chunk.length;
      done(null, chunk);
    },
  });
}

export interface GzipResult {
  digest: string;
  size: number;
}

/** Streams `input` gzip'd into `store` as a new blob; returns its digest and size. */
export async function gzipIntoStore(store: LayoutStore, input: Readable | AsyncIterable<Uint8Array>, opts: { signal?: AbortSignal } = {}): Promise<GzipResult> {
  // A regular layout's staging directory: the same file system as blobs/, so adoption is a rename.
  const staging = new LayoutPaths(store.dir).staging;
  await fs.mkdir(staging, { recursive: true });
  const file = path.join(staging, `gzip-${randomBytes(8).toString('hex')}.tmp`);
  const digester = createDigester();
  let size = 0;
  const hash = new Transform({
    transform(chunk: Buffer, _enc, done) {
      digester.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    const gzip = createGzip({ level: zlib.Z_DEFAULT_COMPRESSION });
    await pipeline(input, gzip, fixedHeader(), hash, createWriteStream(file, { flags: 'wx' }), ...(opts.signal ? [{ signal: opts.signal }] : []));
    const digest = digester.digest();
    await store.importBlobFile(digest, file);
    return { digest, size };
  } finally {
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}
