// Which blobs an image in a layout reaches (its manifests, configs and layers), in the order an
// archive writes them, and the single image docker's manifest.json can show for it: for an
// index, this machine's platform (else the first), as docker save names one config per entry.
import { RegctlError } from '../../errors.js';
import { parseManifest, type Descriptor } from '../../oci/manifest.js';
import { hostPlatform, selectManifest } from '../../oci/platform.js';
import type { LayoutStore } from '../layout/layout-store.js';

const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface ImageView {
  config: Descriptor;
  layers: Descriptor[];
}

export interface CollectOptions {
  /** The layout, for messages (default: the local store). */
  where?: string;
  /** What to suggest when a manifest is missing. */
  hint?: string;
}

/** Adds every blob `d` reaches to `blobs` (insertion order = archive order); returns the manifest.json view. */
export async function collectImageBlobs(store: LayoutStore, d: Descriptor, blobs: Map<string, Descriptor>, opts: CollectOptions = {}): Promise<ImageView> {
  const where = opts.where ?? 'the local store';
  const bytes = await store.readBlobBytes(d.digest, MANIFEST_LIMIT).catch((err: unknown) => {
    throw new RegctlError('REGCTL_NOT_FOUND', `manifest ${d.digest} is not in ${where}`, { cause: err, ...(opts.hint ? { hint: opts.hint } : {}) });
  });
  const parsed = parseManifest(bytes, d.mediaType);
  blobs.set(d.digest, d);
  if (parsed.kind === 'index') {
    const views = [];
    for (const child of parsed.index.manifests) views.push(await collectImageBlobs(store, child, blobs, opts));
    const preferred = selectManifest(parsed.index, hostPlatform());
    const at = preferred ? parsed.index.manifests.indexOf(preferred) : 0;
    const view = views[at] ?? views[0];
    if (!view) throw new RegctlError('REGCTL_INVALID_MANIFEST', `index ${d.digest} lists no manifests`);
    return view;
  }
  const { config, layers } = parsed.manifest;
  for (const blob of [config, ...layers]) blobs.set(blob.digest, blob);
  return { config, layers: [...layers] };
}

/** Throws REGCTL_NOT_FOUND (before anything is written) when one of `blobs` is missing. */
export async function assertBlobsPresent(store: LayoutStore, blobs: Iterable<Descriptor>, where = 'the local store', hint = 'pull the image again'): Promise<void> {
  for (const d of blobs) {
    if ((await store.hasBlob(d.digest)) === undefined) throw new RegctlError('REGCTL_NOT_FOUND', `blob ${d.digest} is not in ${where}`, { hint });
  }
}
