// Which blobs an image in a layout reaches (its manifests, configs and layers), in the order an
// oci-archive writes them, and the check, made before an archive's first byte, that every blob
// it will write is in the layout.
import { RegctlError } from '../../errors.js';
import { parseManifest, type Descriptor } from '../../oci/manifest.js';
import type { LayoutStore } from '../layout/layout-store.js';

const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface CollectOptions {
  /** The layout, for messages (default: the local store). */
  where?: string;
  /** What to suggest when a manifest is missing. */
  hint?: string;
}

/** Adds every blob `d` reaches to `blobs` (insertion order = archive order). */
export async function collectImageBlobs(store: LayoutStore, d: Descriptor, blobs: Map<string, Descriptor>, opts: CollectOptions = {}): Promise<void> {
  const where = opts.where ?? 'the local store';
  const bytes = await store.readBlobBytes(d.digest, MANIFEST_LIMIT).catch((err: unknown) => {
    throw new RegctlError('REGCTL_NOT_FOUND', `manifest ${d.digest} is not in ${where}`, { cause: err, ...(opts.hint ? { hint: opts.hint } : {}) });
  });
  const parsed = parseManifest(bytes, d.mediaType);
  blobs.set(d.digest, d);
  if (parsed.kind === 'index') {
    for (const child of parsed.index.manifests) await collectImageBlobs(store, child, blobs, opts);
    return;
  }
  const { config, layers } = parsed.manifest;
  for (const blob of [config, ...layers]) blobs.set(blob.digest, blob);
}

/** Throws REGCTL_NOT_FOUND (before anything is written) when one of `blobs` is missing. */
export async function assertBlobsPresent(store: LayoutStore, blobs: Iterable<Descriptor>, where = 'the local store', hint = 'pull the image again'): Promise<void> {
  const wanted = [...blobs];
  // One batch of stats (and, on a writable store, one pin append) for the whole archive.
  const sizes = await store.hasBlobs(wanted.map((d) => d.digest));
  const missing = wanted.find((_d, i) => sizes[i] === undefined);
  if (missing) throw new RegctlError('REGCTL_NOT_FOUND', `blob ${missing.digest} is not in ${where}`, { hint });
}
