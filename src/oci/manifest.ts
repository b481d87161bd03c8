// Manifest, index and image-config shapes (OCI image-spec, which Docker schema 2 matches field
// for field) and the one parser every manifest goes through. Parsing checks the structure we
// rely on later (descriptors with valid digests and sizes) so that bad registry output fails
// here with a clear message instead of deep inside a pull.

import { RegctlError } from '../errors.js';
import { isDigest } from './digest.js';
import {
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  baseMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  isSchema1MediaType,
} from './media-types.js';

export type Annotations = Readonly<Record<string, string>>;

export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly features?: readonly string[];
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Annotations;
  readonly platform?: Platform;
  readonly artifactType?: string;
  /** Embedded content, base64. */
  readonly data?: string;
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Annotations;
}

export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Annotations;
}

/** The runtime settings inside an image config (`docker inspect` .Config). */
export interface ContainerConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[] | null;
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>> | null;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly StopSignal?: string;
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** The image config blob: the fields `docker inspect` shows. Unknown fields are kept as parsed. */
export interface ImageConfig {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly created?: string;
  readonly author?: string;
  readonly config?: ContainerConfig;
  readonly rootfs: { readonly type: string; readonly diff_ids: readonly string[] };
  readonly history?: readonly HistoryEntry[];
}

export type ParsedManifest =
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex }
  | { readonly kind: 'image'; readonly mediaType: string; readonly manifest: ImageManifest };

type Json = Record<string, unknown>;

function invalid(what: string, reason: string): RegctlError {
  return new RegctlError('REGCTL_INVALID_MANIFEST', `invalid ${what}: ${reason}`);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');

function parseJsonObject(bytes: Uint8Array, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid(what, 'not valid JSON');
  }
  if (!isObject(value)) throw invalid(what, 'not a JSON object');
  return value;
}

function checkDescriptor(value: unknown, path: string): void {
  if (!isObject(value)) throw invalid('manifest', `${path} is not an object`);
  if (typeof value.mediaType !== 'string' || value.mediaType === '') {
    throw invalid('manifest', `${path}.mediaType is missing`);
  }
  if (!isDigest(value.digest)) throw invalid('manifest', `${path}.digest is not a valid digest`);
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid('manifest', `${path}.size is not a non-negative integer`);
  }
  if (value.urls !== undefined && !isStringArray(value.urls)) throw invalid('manifest', `${path}.urls is not a string list`);
  checkAnnotations(value.annotations, `${path}.annotations`);
  if (value.platform !== undefined) {
    const p = value.platform;
    if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') {
      throw invalid('manifest', `${path}.platform needs string os and architecture`);
    }
  }
}

function checkAnnotations(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid('manifest', `${path} is not a map of strings`);
  }
}

function checkDescriptorList(value: unknown, path: string): void {
  if (!Array.isArray(value)) throw invalid('manifest', `${path} is not a list`);
  value.forEach((d, i) => checkDescriptor(d, `${path}[${i}]`));
}

function schema1Error(mediaType: string): RegctlError {
  return new RegctlError(
    'REGCTL_UNSUPPORTED',
    `schema 1 manifests are not supported (${mediaType}); the image must be re-pushed in OCI or Docker schema 2 format`,
    { hint: 'Ask the image publisher to rebuild it with a current tool, or use a newer tag.' },
  );
}

/** The media type: the body's own field first, then the Content-Type, then the JSON's shape. */
function detectMediaType(body: Json, contentType: string | undefined): string {
  if (body.mediaType !== undefined && typeof body.mediaType !== 'string') {
    throw invalid('manifest', 'mediaType is not a string');
  }
  if (typeof body.mediaType === 'string' && body.mediaType !== '') return body.mediaType;
  if (contentType !== undefined) {
    const ct = baseMediaType(contentType);
    if (isIndexMediaType(ct) || isImageManifestMediaType(ct) || isSchema1MediaType(ct)) return ct;
  }
  if (body.schemaVersion === 1) return 'schema 1';
  if (Array.isArray(body.manifests)) return OCI_IMAGE_INDEX;
  if (Array.isArray(body.layers) || isObject(body.config)) return OCI_IMAGE_MANIFEST;
  throw invalid('manifest', 'cannot tell whether this is an image manifest or an index');
}

/**
 * Parse manifest bytes from a registry or a layout. Throws RegctlError REGCTL_INVALID_MANIFEST
 * for malformed content and REGCTL_UNSUPPORTED for schema 1 or unknown manifest types.
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): ParsedManifest {
  const body = parseJsonObject(bytes, 'manifest');
  const mediaType = detectMediaType(body, contentType);
  if (mediaType === 'schema 1' || isSchema1MediaType(mediaType) || body.schemaVersion === 1) {
    throw schema1Error(mediaType === 'schema 1' ? 'schemaVersion 1' : mediaType);
  }
  const isIndex = isIndexMediaType(mediaType);
  if (!isIndex && !isImageManifestMediaType(mediaType)) {
    throw new RegctlError('REGCTL_UNSUPPORTED', `unsupported manifest media type ${mediaType}`);
  }
  if (body.schemaVersion !== 2) throw invalid('manifest', 'schemaVersion must be 2');
  if (body.subject !== undefined) checkDescriptor(body.subject, 'subject');
  checkAnnotations(body.annotations, 'annotations');
  if (isIndex) {
    checkDescriptorList(body.manifests, 'manifests');
    return { kind: 'index', mediaType, index: body as unknown as ImageIndex };
  }
  checkDescriptor(body.config, 'config');
  checkDescriptorList(body.layers, 'layers');
  return { kind: 'image', mediaType, manifest: body as unknown as ImageManifest };
}

/** Parse an image config blob, checking the fields later steps depend on. */
export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  const body = parseJsonObject(bytes, 'image config');
  if (typeof body.architecture !== 'string' || typeof body.os !== 'string') {
    throw invalid('image config', 'architecture and os must be strings');
  }
  const rootfs = body.rootfs;
  if (!isObject(rootfs) || typeof rootfs.type !== 'string' || !isStringArray(rootfs.diff_ids)) {
    throw invalid('image config', 'rootfs needs a type and a diff_ids list');
  }
  if (!(rootfs.diff_ids as string[]).every((d) => isDigest(d))) {
    throw invalid('image config', 'rootfs.diff_ids holds an invalid digest');
  }
  if (body.history !== undefined && !(Array.isArray(body.history) && body.history.every(isObject))) {
    throw invalid('image config', 'history is not a list of objects');
  }
  return body as unknown as ImageConfig;
}
