// One file of docker's local manifest list store: docker/cli's types.ImageManifest as
// json.Marshal writes it: {"Ref","Descriptor","Raw","SchemaV2Manifest"|"OCIManifest"}.
// Ref is the entry's full reference; Descriptor an OCI descriptor (mediaType, digest, size,
// platform) in image-spec's field order; Raw the manifest bytes as the registry sent them,
// base64 (Go's []byte); the manifest member is those bytes compacted with Go's HTML escaping
// (the text docker reads back as the manifest's "canonical" bytes). Files written here are byte
// for byte what docker writes for the same entry, and docker's files read back unchanged.
import { RegctlError } from '../errors.js';
import { goCompact, goMarshal, objectMemberTexts } from '../oci/go-json.js';
import type { Descriptor, Platform } from '../oci/manifest.js';

export type StoredManifestKind = 'SchemaV2Manifest' | 'OCIManifest';

export interface StoredManifest {
  /** The full reference the entry was added as (`docker.io/library/busybox:latest`). */
  ref: string;
  /** Its descriptor; `platform` is what `manifest push` writes into the list. */
  descriptor: Descriptor;
  /** The manifest's bytes as the registry sent them; absent in files of docker before 24. */
  raw?: Buffer | undefined;
  kind: StoredManifestKind;
  /** The manifest as the file holds it (compact JSON text). */
  manifestText: string;
}

const nonEmpty = (s: string | undefined) => (s ? s : undefined);
const nonEmptyList = <T>(l: readonly T[] | undefined) => (l && l.length > 0 ? l : undefined);

/** ocispec.Platform, in its field order. */
function platformJson(p: Platform) {
  return {
    architecture: p.architecture ?? '',
    os: p.os ?? '',
    'os.version': nonEmpty(p['os.version']),
    'os.features': nonEmptyList(p['os.features']),
    variant: nonEmpty(p.variant),
  };
}

/** ocispec.Descriptor, in its field order; Go writes map keys sorted. */
function descriptorJson(d: Descriptor) {
  const annotations = d.annotations && Object.keys(d.annotations).length > 0
    ? Object.fromEntries(Object.entries(d.annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : undefined;
  return {
    mediaType: d.mediaType ?? '',
    digest: d.digest ?? '',
    size: d.size ?? 0,
    urls: nonEmptyList(d.urls),
    annotations,
    data: nonEmpty(d.data),
    platform: d.platform ? platformJson(d.platform) : undefined,
    artifactType: nonEmpty(d.artifactType),
  };
}

export function encodeStoredManifest(entry: StoredManifest): string {
  const head = goMarshal({
    Ref: entry.ref,
    Descriptor: descriptorJson(entry.descriptor),
    Raw: entry.raw && entry.raw.length > 0 ? entry.raw.toString('base64') : undefined,
  });
  // The manifest member is a Marshaler's output: compacted, not re-serialised.
  return `${head.slice(0, -1)},${JSON.stringify(entry.kind)}:${goCompact(entry.manifestText)}}`;
}

function invalid(file: string, why: string): RegctlError {
  return new RegctlError('REGCTL_CONFIG', `invalid manifest file ${file}: ${why}`);
}

export function decodeStoredManifest(text: string, file: string): StoredManifest {
  let parsed: { Ref?: unknown; Descriptor?: Partial<Descriptor>; Raw?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (err) {
    throw invalid(file, (err as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.Ref !== 'string') throw invalid(file, 'no Ref');
  const members = objectMemberTexts(text);
  const kind: StoredManifestKind | undefined = members.has('SchemaV2Manifest') && members.get('SchemaV2Manifest') !== 'null'
    ? 'SchemaV2Manifest'
    : members.has('OCIManifest') && members.get('OCIManifest') !== 'null' ? 'OCIManifest' : undefined;
  if (!kind) throw invalid(file, `${parsed.Ref} has no payload`);
  const d = (parsed.Descriptor ?? {}) as Partial<Descriptor>;
  const descriptor: Descriptor = {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: typeof d.digest === 'string' ? d.digest : '',
    size: typeof d.size === 'number' ? d.size : 0,
    ...(Array.isArray(d.urls) ? { urls: d.urls } : {}),
    ...(d.annotations && typeof d.annotations === 'object' ? { annotations: d.annotations } : {}),
    ...(typeof d.data === 'string' ? { data: d.data } : {}),
    ...(d.platform && typeof d.platform === 'object' ? { platform: d.platform } : {}),
    ...(typeof d.artifactType === 'string' ? { artifactType: d.artifactType } : {}),
  };
  const raw = typeof parsed.Raw === 'string' && parsed.Raw !== '' ? Buffer.from(parsed.Raw, 'base64') : undefined;
  return { ref: parsed.Ref, descriptor, raw, kind, manifestText: goCompact(members.get(kind)!) };
}
