// An ImageSource that serves rewritten manifests and configs from memory, new layers (append's)
// from their own blob sources, and everything else (the base's layers) from the source it
// wraps, so the transfer engine moves a rewritten image exactly as it moves any other: old
// layers skipped, mounted or streamed from the original location, never read here.
import type { BlobSource, ImageSource, ManifestResult } from '../../store/backend.js';

export interface Rewrites {
  /** The image the location now names. */
  top: ManifestResult;
  /** Every other new manifest (an index's rewritten children), by digest. */
  manifests: ReadonlyMap<string, ManifestResult>;
  /** New blobs (configs), by digest. */
  blobs: ReadonlyMap<string, Buffer>;
  /** New blobs too big to hold (append's layers, staged in files), by digest. */
  blobSources?: ReadonlyMap<string, BlobSource>;
}

function memoryBlob(digest: string, bytes: Buffer): BlobSource {
  return {
    digest,
    size: bytes.length,
    origin: 'the new config',
    async *read(start, end) {
      if (end > start) yield bytes.subarray(start, end);
    },
  };
}

/** `source` with `rewrites` in front; closing it closes `source`. */
export function rewrittenSource(source: ImageSource, rewrites: Rewrites): ImageSource {
  return {
    name: source.name,
    manifest: async (digest) => (digest === undefined || digest === rewrites.top.digest ? rewrites.top : (rewrites.manifests.get(digest) ?? source.manifest(digest))),
    blobBytes: async (digest, limit) => rewrites.blobs.get(digest) ?? source.blobBytes(digest, limit),
    blob: (d) => {
      const bytes = rewrites.blobs.get(d.digest);
      return bytes ? memoryBlob(d.digest, bytes) : (rewrites.blobSources?.get(d.digest) ?? source.blob(d));
    },
    close: () => source.close(),
  };
}
