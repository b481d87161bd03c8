// Media types of the OCI image spec and of Docker's image manifest v2 schema 2, verbatim.
// Registries decide what they return from the Accept header, so the list we send matters:
// it is the one docker sends.

export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_TAR_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
/** OCI "non-distributable" layers (deprecated in image-spec 1.1): the OCI foreign layers. */
export const OCI_LAYER_NONDISTRIBUTABLE_TAR = 'application/vnd.oci.image.layer.nondistributable.v1.tar';
export const OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';
export const OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD = 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd';
/** The `{}` blob used as config by artifacts (image-spec 1.1). */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONTAINER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_TAR_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
/** Windows base layers that registries may not serve: fetched from `urls`, never pushed. */
export const DOCKER_FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/** Docker schema 1, only recognised so that it can be refused with a clear message. */
export const DOCKER_MANIFEST_V1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_MANIFEST_V1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

/** The manifest types docker's Accept header asks for, in its order. */
export const MANIFEST_ACCEPT: readonly string[] = Object.freeze([
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_V2,
]);

/** MANIFEST_ACCEPT as one header value. */
export const MANIFEST_ACCEPT_HEADER = MANIFEST_ACCEPT.join(', ');

/**
 * The bare type of a Content-Type value: parameters dropped, trimmed, lowercased
 * (`application/vnd.oci.image.index.v1+json; charset=utf-8` -> the index type).
 */
export function baseMediaType(mediaType: string): string {
  const semicolon = mediaType.indexOf(';');
  return (semicolon >= 0 ? mediaType.slice(0, semicolon) : mediaType).trim().toLowerCase();
}

export function isIndexMediaType(mediaType: string): boolean {
  const mt = baseMediaType(mediaType);
  return mt === OCI_IMAGE_INDEX || mt === DOCKER_MANIFEST_LIST;
}

export function isImageManifestMediaType(mediaType: string): boolean {
  const mt = baseMediaType(mediaType);
  return mt === OCI_IMAGE_MANIFEST || mt === DOCKER_MANIFEST_V2;
}

export function isSchema1MediaType(mediaType: string): boolean {
  const mt = baseMediaType(mediaType);
  return mt === DOCKER_MANIFEST_V1 || mt === DOCKER_MANIFEST_V1_SIGNED;
}

/** Layers that must not be pushed to (or expected in) a registry: they live at their `urls`. */
export function isForeignLayerMediaType(mediaType: string): boolean {
  const mt = baseMediaType(mediaType);
  return mt === DOCKER_FOREIGN_LAYER || mt.startsWith('application/vnd.oci.image.layer.nondistributable.');
}
