// Docker schema 2 manifests as OCI ones, for OCI layouts that other tools must read: skopeo
// (containers/image's oci transport) only finds index.json entries of OCI media types, so it
// converts Docker manifests when it writes a layout, and so must we. Only the manifests change:
// media types are mapped one to one, the config and layer blobs (and so the image ID and the
// diff_ids) stay as they are. An index is rewritten when one of its children was. Manifests
// already OCI, and nothing else, keep their exact bytes and digest.
import { digestOf } from './digest.js';
import {
  DOCKER_CONTAINER_CONFIG,
  DOCKER_FOREIGN_LAYER,
  DOCKER_LAYER_TAR_GZIP,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_V2,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
  OCI_LAYER_TAR,
  OCI_LAYER_TAR_GZIP,
} from './media-types.js';

const OCI_TYPE: Readonly<Record<string, string>> = {
  [DOCKER_MANIFEST_V2]: OCI_IMAGE_MANIFEST,
  [DOCKER_MANIFEST_LIST]: OCI_IMAGE_INDEX,
  [DOCKER_CONTAINER_CONFIG]: OCI_IMAGE_CONFIG,
  [DOCKER_LAYER_TAR_GZIP]: OCI_LAYER_TAR_GZIP,
  'application/vnd.docker.image.rootfs.diff.tar': OCI_LAYER_TAR,
  [DOCKER_FOREIGN_LAYER]: OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
};

export interface ConvertibleManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  size: number;
}

interface Desc {
  mediaType?: string;
  digest: string;
  size: number;
}

const ociType = (mediaType: string | undefined): string | undefined => (mediaType === undefined ? undefined : (OCI_TYPE[mediaType] ?? mediaType));

/** `manifests` (children before parents, as a transfer writes them) with Docker ones turned OCI. */
export function toOciManifests<T extends ConvertibleManifest>(manifests: readonly T[]): T[] {
  const replaced = new Map<string, Desc>();
  return manifests.map((m) => {
    const json = JSON.parse(m.bytes.toString('utf8')) as { mediaType?: string; config?: Desc; layers?: Desc[]; manifests?: Desc[] };
    const children = json.manifests?.map((c) => ({ ...c, ...replaced.get(c.digest) }));
    const changed = OCI_TYPE[m.mediaType] !== undefined || (json.manifests ?? []).some((c) => replaced.has(c.digest));
    if (!changed) return m;
    const mediaType = ociType(m.mediaType)!;
    const converted = {
      ...json,
      mediaType,
      ...(json.config ? { config: { ...json.config, mediaType: ociType(json.config.mediaType) } } : {}),
      ...(json.layers ? { layers: json.layers.map((l) => ({ ...l, mediaType: ociType(l.mediaType) })) } : {}),
      ...(children ? { manifests: children.map((c) => ({ ...c, mediaType: ociType(c.mediaType) })) } : {}),
    };
    const bytes = Buffer.from(JSON.stringify(converted));
    const result = { ...m, bytes, mediaType, digest: digestOf(bytes), size: bytes.length };
    replaced.set(m.digest, { mediaType, digest: result.digest, size: result.size });
    return result;
  });
}
