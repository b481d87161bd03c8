// A list entry from the registry, as docker's registry client builds it (GetManifest): the image
// manifest's exact bytes, a descriptor of them (digest and size of those bytes, the manifest's
// media type) and the platform read from the image's config. A list or index cannot be an
// entry; neither can anything that is not a Docker v2 or OCI image manifest.
import { ManifestListError, isRegctlError } from '../../errors.js';
import { digestOf } from '../../oci/digest.js';
import { goCompact } from '../../oci/go-json.js';
import { DOCKER_MANIFEST_V2, OCI_IMAGE_MANIFEST, isIndexMediaType } from '../../oci/media-types.js';
import type { Reference } from '../../reference/parse.js';
import type { StoredManifest } from '../../config/manifest-list-entry.js';
import { getBlobBytes } from '../../store/remote/blob.js';
import { getManifest } from '../../store/remote/manifest.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { platformFromConfig } from './config-platform.js';

function kindOf(mediaType: string, ref: Reference): StoredManifest['kind'] {
  if (isIndexMediaType(mediaType)) throw new ManifestListError('REGCTL_UNSUPPORTED', 'entry-is-list', `${ref.toString()} is a manifest list`);
  if (mediaType === DOCKER_MANIFEST_V2) return 'SchemaV2Manifest';
  if (mediaType === OCI_IMAGE_MANIFEST) return 'OCIManifest';
  throw new ManifestListError('REGCTL_UNSUPPORTED', 'not-a-manifest', `${ref.toString()} is not a manifest`);
}

export async function fetchListEntry(remote: RemoteRegistry, ref: Reference, opts: { signal?: AbortSignal } = {}): Promise<StoredManifest> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const manifest = await getManifest(remote, ref, signal).catch((err: unknown) => {
    // docker's registry client words every miss (unknown manifest or repository) this way.
    if (isRegctlError(err) && err.code === 'REGCTL_NOT_FOUND') {
      throw new ManifestListError('REGCTL_NOT_FOUND', 'manifest-not-found', `no such manifest: ${ref.toString()}`, { cause: err });
    }
    throw err;
  });
  const kind = kindOf(manifest.mediaType, ref);
  const text = manifest.bytes.toString('utf8');
  const config = (JSON.parse(text) as { config?: { digest?: unknown } }).config;
  if (typeof config?.digest !== 'string') {
    throw new ManifestListError('REGCTL_INVALID_MANIFEST', 'not-a-manifest', `${ref.toString()} has no config`);
  }
  const platform = platformFromConfig(await getBlobBytes(remote, ref, config.digest, signal));
  return {
    ref: ref.toString(),
    descriptor: { mediaType: manifest.mediaType, digest: digestOf(manifest.bytes), size: manifest.size, platform },
    raw: manifest.bytes,
    kind,
    manifestText: goCompact(text),
  };
}
