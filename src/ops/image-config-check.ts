// A pulled image's config must be an image config before the image is indexed: docker refuses
// a config that is not JSON, or whose fields have the wrong types (its json.Unmarshal into
// image.Image fails), and one without a rootfs ("invalid rootfs in image configuration"). Only
// configs typed as image configs are read: an artifact's config is opaque and is kept as is.
import { RegctlError } from '../errors.js';
import { parseImageConfig, parseManifest } from '../oci/manifest.js';
import { DOCKER_CONTAINER_CONFIG, OCI_IMAGE_CONFIG, baseMediaType } from '../oci/media-types.js';
import type { ManifestResult } from '../store/backend.js';
import type { LayoutStore } from '../store/layout/layout-store.js';

const CONFIG_LIMIT = 16 * 1024 * 1024;

/** Throws REGCTL_INVALID_CONFIG for the first image manifest of `manifests` whose stored config is not an image config. */
export async function assertImageConfigs(store: LayoutStore, manifests: readonly ManifestResult[]): Promise<void> {
  for (const m of manifests) {
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind !== 'image') continue;
    const { config } = parsed.manifest;
    const type = baseMediaType(config.mediaType);
    if (type !== OCI_IMAGE_CONFIG && type !== DOCKER_CONTAINER_CONFIG) continue;
    try {
      parseImageConfig(await store.readBlobBytes(config.digest, CONFIG_LIMIT));
    } catch (err) {
      const reason = (err as Error).message.replace(/^invalid image config: /, '');
      throw new RegctlError('REGCTL_INVALID_CONFIG', `invalid image configuration ${config.digest}: ${reason}`, { cause: err });
    }
  }
}
