// OCI artifacts as oras packs them (oras-go pack.go, PackManifest for image-spec 1.1; the spec's
// manifest.md "Guidelines for Artifact Usage"): an image manifest with `artifactType`, the empty
// config `{}` unless one is given, one layer per file, an optional `subject`, and the
// `org.opencontainers.image.created` annotation oras always adds. The bytes are Go's json.Marshal
// of ocispec.Manifest (its field order, map keys sorted, HTML characters escaped), so the same
// inputs and the same creation time give oras's digest.
import { RegctlError, UsageError } from '../errors.js';
import { digestOf } from './digest.js';
import { goMarshal } from './go-json.js';
import type { Annotations, Descriptor } from './manifest.js';
import { OCI_EMPTY, OCI_IMAGE_MANIFEST } from './media-types.js';

export const ANNOTATION_TITLE = 'org.opencontainers.image.title';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
/** oras-go content/file: digest of a packed directory's uncompressed tar. */
export const ORAS_CONTENT_DIGEST = 'io.deis.oras.content.digest';
/** oras-go content/file: "true" on a layer that is a directory to unpack on pull. */
export const ORAS_CONTENT_UNPACK = 'io.deis.oras.content.unpack';
/** oras's artifactType when neither --artifact-type nor --config is given. */
export const DEFAULT_ARTIFACT_TYPE = 'application/vnd.unknown.artifact.v1';
/** oras's media type of a --config file given without one. */
export const DEFAULT_CONFIG_MEDIA_TYPE = 'application/vnd.unknown.config.v1+json';

export const EMPTY_JSON = Buffer.from('{}');
/** The spec's empty descriptor, with its content embedded as oras writes it (`data`). */
export const EMPTY_DESCRIPTOR: Descriptor = Object.freeze({
  mediaType: OCI_EMPTY,
  digest: digestOf(EMPTY_JSON),
  size: EMPTY_JSON.length,
  data: EMPTY_JSON.toString('base64'),
});

export interface ArtifactManifestInput {
  /** Left out only with a config of its own type (oras's image-spec 1.0 form). */
  artifactType?: string | undefined;
  /** Default: the empty descriptor. */
  config?: Descriptor | undefined;
  layers: readonly Descriptor[];
  subject?: Descriptor | undefined;
  annotations?: Annotations | undefined;
  /** The creation time written when `annotations` has none (default: now). */
  created?: Date | undefined;
}

export interface MarshalledArtifact {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  size: number;
  /** The manifest as written. */
  manifest: Record<string, unknown>;
}

// Go's time.RFC3339 as time.Parse accepts it: what oras checks a given created annotation against.
const RFC3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** time.Now().UTC().Format(time.RFC3339): seconds, `Z`. */
export function formatCreated(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go marshals map keys sorted bytewise. */
function sortedAnnotations(annotations: Annotations | undefined): Record<string, string> | undefined {
  if (!annotations || Object.keys(annotations).length === 0) return undefined;
  const keys = Object.keys(annotations).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Object.fromEntries(keys.map((k) => [k, annotations[k]!]));
}

/** ocispec.Descriptor in its field order, empty fields omitted as Go's omitempty does. */
export function goDescriptor(d: Descriptor): Record<string, unknown> {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    urls: d.urls && d.urls.length > 0 ? d.urls : undefined,
    annotations: sortedAnnotations(d.annotations),
    data: d.data || undefined,
    platform: d.platform,
    artifactType: d.artifactType || undefined,
  };
}

/** The manifest's bytes and descriptor; refuses what image-spec 1.1 forbids (an empty config without artifactType). */
export function marshalArtifactManifest(input: ArtifactManifestInput): MarshalledArtifact {
  const config = input.config ?? EMPTY_DESCRIPTOR;
  if (!input.artifactType && config.mediaType === OCI_EMPTY) {
    // manifest.md: artifactType MUST be set when config.mediaType is the empty value.
    throw new RegctlError('REGCTL_INTERNAL', 'an artifact with the empty config needs an artifactType');
  }
  const annotations: Record<string, string> = { ...(input.annotations ?? {}) };
  const created = annotations[ANNOTATION_CREATED];
  if (created === undefined) annotations[ANNOTATION_CREATED] = formatCreated(input.created ?? new Date());
  else if (!RFC3339.test(created)) throw new UsageError(`invalid date and time format: ${ANNOTATION_CREATED} must be RFC 3339, e.g. 2024-01-31T12:00:00Z (got "${created}")`);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    artifactType: input.artifactType || undefined,
    config: goDescriptor(config),
    layers: input.layers.map(goDescriptor),
    subject: input.subject ? goDescriptor({ mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size }) : undefined,
    annotations: sortedAnnotations(annotations),
  };
  const bytes = Buffer.from(goMarshal(manifest), 'utf8');
  return { bytes, mediaType: OCI_IMAGE_MANIFEST, digest: digestOf(bytes), size: bytes.length, manifest: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> };
}
