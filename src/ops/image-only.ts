// docker pull takes container images only: a manifest whose config is not an image config (an
// OCI artifact: an SBOM, a signature, a Helm chart, regctl artifact push's empty config) is refused
// before any blob moves, in moby's words (distribution/pull_v2.go, invalidManifestClassError), so
// the store never records an artifact as an image. `regctl artifact pull` is the way to fetch one.
import { RegctlError } from '../errors.js';
import { parseManifest } from '../oci/manifest.js';
import { DOCKER_CONTAINER_CONFIG, OCI_IMAGE_CONFIG } from '../oci/media-types.js';
import type { ManifestResult } from '../store/backend.js';

/**
 * moby's distribution.ImageTypes: the two image config types, the values old registries sent
 * for them (docker/distribution#1621), and an empty one (a defaulted field).
 */
const IMAGE_CONFIG_TYPES: ReadonlySet<string> = new Set([DOCKER_CONTAINER_CONFIG, OCI_IMAGE_CONFIG, 'application/octet-stream', 'application/json', 'text/html', '']);

/** moby's mediaTypeClasses for the configs it knows but does not pull as images. */
const CONFIG_CLASSES: Readonly<Record<string, string>> = {
  'application/vnd.docker.plugin.v1+json': 'plugin',
};

/** Throws REGCTL_UNSUPPORTED for the first manifest of `manifests` that is not a container image. */
export function assertContainerImages(manifests: readonly ManifestResult[], name: string): void {
  for (const m of manifests) {
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind !== 'image') continue;
    const type = parsed.manifest.config.mediaType ?? '';
    if (IMAGE_CONFIG_TYPES.has(type)) continue;
    throw new RegctlError('REGCTL_UNSUPPORTED', `Encountered remote "${type}"(${CONFIG_CLASSES[type] ?? 'unknown'}) when fetching`, {
      hint: `${name} is not a container image${parsed.manifest.artifactType ? ` (artifactType ${parsed.manifest.artifactType})` : ''}: fetch its files with regctl artifact pull ${name}`,
    });
  }
}
