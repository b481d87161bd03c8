// `pull --verify`: a blob the store already has is re-hashed instead of trusted by its size
// ("Already exists" compared sizes only, so a corrupt blob stayed corrupt through every pull).
// A blob whose bytes no longer match its digest is removed, so the pull fetches it again.
import type { Descriptor } from '../oci/manifest.js';
import { hashBlobs } from '../store/layout/blob-verify.js';
import type { LayoutStore } from '../store/layout/layout-store.js';

/** The digests of `blobs` whose files hash to them; the corrupt ones are deleted on the way. */
export async function keepIntactBlobs(store: LayoutStore, blobs: readonly Pick<Descriptor, 'digest'>[], onCorrupt?: (digest: string) => void): Promise<Set<string>> {
  const digests = blobs.map((d) => d.digest);
  const hashes = await hashBlobs(digests, (d) => store.blobPath(d));
  const intact = new Set<string>();
  for (const [i, digest] of digests.entries()) {
    const actual = hashes[i];
    if (actual === digest) intact.add(digest);
    else if (actual !== undefined) {
      await store.removeBlob(digest);
      onCorrupt?.(digest);
    }
  }
  return intact;
}
