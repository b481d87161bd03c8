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

/** Whether a manifest config of this media type makes the manifest a container image (moby's rule). */
export function isImageConfigType(type: string | undefined): boolean {
  return IMAGE_CONFIG_TYPES.has(type ?? '');
}

/** The first of `manifests` that is not a container image: its config type and artifactType. */
export function firstNonImage(manifests: readonly ManifestResult[]): { configType: string; artifactType: string | undefined } | undefined {
  for (const m of manifests) {
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind !== 'image') continue;
    const type = parsed.manifest.config.mediaType ?? '';
    if (!isImageConfigType(type)) return { configType: type, artifactType: parsed.manifest.artifactType };
  }
  return undefined;
}

const artifactNote = (artifactType: string | undefined) => (artifactType ? ` (artifactType ${artifactType})` : '');

/** Throws REGCTL_UNSUPPORTED for the first manifest of `manifests` that is not a container image. */
export function assertContainerImages(manifests: readonly ManifestResult[], name: string): void {
  const found = firstNonImage(manifests);
  if (!found) return;
  const type = found.configType;
  throw new RegctlError('REGCTL_UNSUPPORTED', `Encountered remote "${type}"(${CONFIG_CLASSES[type] ?? 'unknown'}) when fetching`, {
    hint: `${name} is not a container image${artifactNote(found.artifactType)}: fetch its files with regctl artifact pull ${name}`,
  });
}

/**
 * The same rule for what comes into the store from anywhere but a registry pull (load, copy to
 * store:): the store holds container images only, so `images` never lists an artifact.
 */
export function assertStorableImages(manifests: readonly ManifestResult[], name: string): void {
  const found = firstNonImage(manifests);
  if (!found) return;
  throw new RegctlError('REGCTL_UNSUPPORTED', `${name} is not a container image (config media type "${found.configType}")${artifactNote(found.artifactType)}: the local store holds images only`, {
    hint: 'copy an artifact to a registry or an oci: layout instead; regctl artifact pull writes its files',
  });
}
