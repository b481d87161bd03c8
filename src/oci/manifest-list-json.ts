// docker's manifest list bytes (docker/distribution manifest/manifestlist FromDescriptors, as
// `docker manifest push` and `docker manifest inspect` call it): an OCI index when the FIRST
// entry is an OCI image manifest, else a Docker manifest list; json.MarshalIndent with three
// spaces; each entry mediaType, size, digest, then a platform that is always there
// (architecture and os even when empty) with os.version, os.features and variant when set.
// Entry annotations, urls and an index's own annotations are not part of docker's type, so they
// are dropped. Same entries, same bytes, same digest as docker.
import { goMarshalIndent } from './go-json.js';
import type { Platform } from './manifest.js';
import { DOCKER_MANIFEST_LIST, OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from './media-types.js';

/** What docker keeps of one list entry: the manifest's descriptor and its platform. */
export interface ManifestListEntry {
  mediaType: string;
  size: number;
  digest: string;
  platform?: Platform | undefined;
}

export interface MarshalledManifestList {
  mediaType: string;
  bytes: Buffer;
}

const nonEmpty = (s: string | undefined) => (s ? s : undefined);
const nonEmptyList = (l: readonly string[] | undefined) => (l && l.length > 0 ? l : undefined);

/** manifestlist.PlatformSpec, in its field order (docker copies no `features` from OCI platforms). */
function platformSpec(p: Platform | undefined) {
  return {
    architecture: p?.architecture ?? '',
    os: p?.os ?? '',
    'os.version': nonEmpty(p?.['os.version']),
    'os.features': nonEmptyList(p?.['os.features']),
    variant: nonEmpty(p?.variant),
  };
}

/** The list type docker picks: decided by the first entry alone. */
export function dockerListMediaType(entries: readonly ManifestListEntry[]): string {
  return entries[0]?.mediaType === OCI_IMAGE_MANIFEST ? OCI_IMAGE_INDEX : DOCKER_MANIFEST_LIST;
}

export function marshalManifestList(entries: readonly ManifestListEntry[]): MarshalledManifestList {
  const mediaType = dockerListMediaType(entries);
  const list = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((e) => ({
      // distribution.Descriptor: all three are omitempty.
      mediaType: nonEmpty(e.mediaType),
      size: e.size || undefined,
      digest: nonEmpty(e.digest),
      platform: platformSpec(e.platform),
    })),
  };
  return { mediaType, bytes: Buffer.from(goMarshalIndent(list, '   '), 'utf8') };
}

/**
 * `docker manifest inspect` of a remote index or manifest list: docker does not print the
 * registry's bytes but rebuilds the list from its entries (the text above). docker takes each
 * entry's media type, size and digest from the child manifest it fetches; for an index whose
 * entries describe their children correctly (the registry verified the digests) those are the
 * entry's own values, which are used here without fetching every child and its config.
 */
export function dockerInspectIndexText(indexBytes: Uint8Array): string {
  const index = JSON.parse(Buffer.from(indexBytes).toString('utf8')) as Record<string, unknown>;
  const manifests = Array.isArray(index.manifests) ? (index.manifests as Partial<ManifestListEntry & OciFields>[]) : [];
  const entries = manifests.map((d) => ({
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    size: typeof d.size === 'number' ? d.size : 0,
    digest: typeof d.digest === 'string' ? d.digest : '',
    platform: d.platform,
  }));
  if (!usesOci11Fields(index, manifests)) return marshalManifestList(entries).bytes.toString('utf8');
  // docker's type has no place for OCI 1.1's fields and would hide what is asked about (a referrers
  // index, an index that is itself a referrer): such an index keeps them, in docker's layout
  // otherwise, and an entry without a platform (an artifact) gets no empty one.
  const list = {
    schemaVersion: 2,
    mediaType: typeof index.mediaType === 'string' ? index.mediaType : dockerListMediaType(entries),
    artifactType: index.artifactType,
    manifests: entries.map((e, i) => ({
      mediaType: nonEmpty(e.mediaType),
      size: e.size || undefined,
      digest: nonEmpty(e.digest),
      platform: e.platform ? platformSpec(e.platform) : undefined,
      artifactType: manifests[i]!.artifactType,
      annotations: manifests[i]!.annotations,
    })),
    subject: index.subject,
    annotations: index.annotations,
  };
  return goMarshalIndent(list, '   ');
}

/** What OCI 1.1 added to an index and its descriptors (image-spec 1.1 image-index.md, descriptor.md). */
interface OciFields {
  artifactType?: string;
  annotations?: Record<string, string>;
}

function usesOci11Fields(index: Record<string, unknown>, manifests: readonly Partial<OciFields>[]): boolean {
  return index.subject !== undefined || index.artifactType !== undefined || manifests.some((m) => m.artifactType !== undefined);
}
