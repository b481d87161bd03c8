// A registry image as a transfer source: manifests by GET (exact bytes, digest checked), and
// blobs where every read is a fresh GET (with Range past the start, so a write resumed after a
// dropped connection fetches only the rest), streamed straight into the destination, which
// hashes it and refuses to complete when the digest is wrong. Referrers are listed as
// referrers.ts lists them (the API, else the referrers tag schema's index).
import type { Descriptor } from '../../oci/manifest.js';
import { parseReference, type Reference, type Repository } from '../../reference/parse.js';
import type { BlobSource, ImageSource } from '../backend.js';
import { getBlobBytes, openBlob } from './blob.js';
import { getManifest } from './manifest.js';
import { listReferrers } from './referrers.js';
import type { RemoteRegistry } from './remote-registry.js';

export function remoteSource(remote: RemoteRegistry, ref: Reference, signal?: AbortSignal): ImageSource {
  const s = signal ? { signal } : {};
  return {
    name: ref.toString(),
    manifest: (digest) => getManifest(remote, digest ? ref.withDigest(digest) : ref, s),
    blobBytes: (digest, limit) => getBlobBytes(remote, ref, digest, { ...s, limit }),
    blob: (d) => remoteBlobSource(remote, ref, d.digest, d.size, signal),
    close: async () => undefined,
    referrers: async (digest) => (await listReferrers(remote, byDigest(ref, digest), s)).descriptors,
    sourceOf: (d: Descriptor) => remoteSource(remote, byDigest(ref, d.digest), signal),
  };
}

/** NAME@DIGEST in the repository of `ref`, without its tag. */
export function byDigest(ref: Repository, digest: string): Reference {
  return parseReference(`${ref.name()}@${digest}`);
}

export function remoteBlobSource(remote: RemoteRegistry, repo: Repository, digest: string, size: number, signal?: AbortSignal): BlobSource {
  return {
    digest,
    size,
    origin: repo.name(),
    read: (start, end) => readRange(remote, repo, digest, start, end, signal),
    open: async (start) => {
      const res = await openBlob(remote, repo, digest, { ...(signal ? { signal } : {}), ...(start > 0 ? { offset: start } : {}) });
      return { start: start > 0 && res.status === 206 ? start : 0, body: res.body };
    },
  };
}

async function* readRange(remote: RemoteRegistry, repo: Repository, digest: string, start: number, end: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (end <= start) return;
  const res = await openBlob(remote, repo, digest, { ...(signal ? { signal } : {}), ...(start > 0 ? { offset: start } : {}) });
  // A registry that ignores Range answers 200 with the whole blob: skip to `start` ourselves.
  let skip = start > 0 && res.status !== 206 ? start : 0;
  let position = start;
  try {
    for await (const raw of res.body) {
      let chunk = raw as Uint8Array;
      if (skip > 0) {
        const dropped = Math.min(skip, chunk.byteLength);
        skip -= dropped;
        chunk = chunk.subarray(dropped);
        if (chunk.byteLength === 0) continue;
      }
      if (position + chunk.byteLength > end) chunk = chunk.subarray(0, end - position);
      position += chunk.byteLength;
      yield chunk;
      if (position >= end) break;
    }
  } finally {
    res.body.destroy();
  }
}
