// The layers whose filesystem export and cat read: the image a location names, one platform of
// it when it is an index (the one asked for, else this machine's, as pull picks it). An artifact
// (a config that is not an image config) has no filesystem and is refused, as are foreign and
// non-distributable layers (their bytes are not in the image's location) and zstd layers (which
// Node 20 cannot decompress), all before a layer byte is read.
import { RegctlError } from '../../errors.js';
import { isForeignLayerMediaType } from '../../oci/media-types.js';
import { parseManifest, type Platform } from '../../oci/manifest.js';
import { formatPlatform, hostPlatform, selectManifest } from '../../oci/platform.js';
import type { ImageSource } from '../../store/backend.js';
import { firstNonImage } from '../image-only.js';
import type { LayerInput } from './flatten.js';
import { assertReadableLayer } from './layer-reader.js';

export interface ImageLayers {
  /** The image manifest whose layers these are (a platform's, for an index). */
  digest: string;
  /** The platform picked from an index, if the location named one. */
  platform?: Platform;
  /** Base layer first, as in the manifest. */
  layers: LayerInput[];
}

export async function resolveImageLayers(source: ImageSource, opts: { platform?: Platform } = {}): Promise<ImageLayers> {
  let top = await source.manifest();
  let parsed = parseManifest(top.bytes, top.mediaType);
  let platform: Platform | undefined;
  if (parsed.kind === 'index') {
    const want = opts.platform ?? hostPlatform();
    const chosen = selectManifest(parsed.index, want);
    if (!chosen) throw new RegctlError('REGCTL_NOT_FOUND', `no matching manifest for ${formatPlatform(want)} in the manifest list entries of ${source.name}`, { hint: 'choose one with --platform' });
    top = await source.manifest(chosen.digest);
    parsed = parseManifest(top.bytes, top.mediaType);
    if (parsed.kind === 'index') throw new RegctlError('REGCTL_INVALID_MANIFEST', `${source.name}: the entry for ${formatPlatform(want)} is an index, not an image`);
    platform = chosen.platform;
  }
  const nonImage = firstNonImage([top]);
  if (nonImage) {
    throw new RegctlError('REGCTL_UNSUPPORTED', `${source.name} is not a container image (config media type "${nonImage.configType}")${nonImage.artifactType ? ` (artifactType ${nonImage.artifactType})` : ''}: it has no filesystem`, {
      hint: `fetch its files with regctl artifact pull ${source.name}`,
    });
  }
  const layers: LayerInput[] = [];
  for (const d of parsed.manifest.layers) {
    if (isForeignLayerMediaType(d.mediaType)) {
      throw new RegctlError('REGCTL_UNSUPPORTED', `layer ${d.digest} of ${source.name} is a foreign (non-distributable) layer (${d.mediaType}): its bytes are not in the image, so its filesystem cannot be read`);
    }
    assertReadableLayer(d, source.name);
    layers.push({ descriptor: d, blob: source.blob(d) });
  }
  return { digest: top.digest, ...(platform ? { platform } : {}), layers };
}
