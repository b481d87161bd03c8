// The referrers tag schema's index as a registry holds it (distribution-spec 1.1, "Referrers Tag
// Schema"): the image index tagged `<alg>-<hex>` of a subject, which clients keep on registries
// without the referrers API. Anyone with push rights writes that tag, so what is there is
// untrusted input: read through getManifest (4 MiB cap, digest checked), and a tag holding
// anything but an image index is reported as such, never parsed as one.
import { isDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { isIndexMediaType } from '../../oci/media-types.js';
import { referrersTag } from '../../oci/referrers.js';
import type { Reference, Repository } from '../../reference/parse.js';
import { parseReference } from '../../reference/parse.js';
import { getManifestWithEtag } from './manifest.js';
import type { RemoteRegistry } from './remote-registry.js';

export type TagSchemaIndex =
  | { state: 'missing'; tag: Reference }
  /** Something else is tagged there: `why` says what, for messages. */
  | { state: 'not-an-index'; tag: Reference; why: string }
  | {
      state: 'index';
      tag: Reference;
      /** The index as parsed, every field kept, so a rewrite keeps what other tools put there. */
      body: Record<string, unknown> & { manifests: unknown[] };
      /** The entries of `body.manifests` that are descriptors (the rest are skipped when listing). */
      descriptors: Descriptor[];
      digest: string;
      /** The response's ETag, for a conditional PUT of a changed copy. */
      etag: string | undefined;
    };

/** The tag-schema tag of `subject` in `repo`'s repository. */
export function tagSchemaRef(repo: Repository, subject: string): Reference {
  return parseReference(`${repo.name()}:${referrersTag(subject)}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A descriptor as listings need it: media type, valid digest, size. Other fields pass as they are. */
export function isListedDescriptor(v: unknown): v is Descriptor {
  if (!isObject(v)) return false;
  const { mediaType, digest, size } = v;
  return typeof mediaType === 'string' && mediaType !== '' && isDigest(digest) && typeof size === 'number' && Number.isSafeInteger(size) && size >= 0;
}

function parseIndex(bytes: Buffer, mediaType: string): { body: Record<string, unknown> & { manifests: unknown[] } } | { why: string } {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { why: 'not JSON' };
  }
  if (!isObject(body)) return { why: 'not a JSON object' };
  if (mediaType !== '' && !isIndexMediaType(mediaType)) return { why: `a ${mediaType}, not an image index` };
  if (!Array.isArray(body.manifests)) return { why: 'an index without a manifests list' };
  return { body: body as Record<string, unknown> & { manifests: unknown[] } };
}

/** Reads the subject's tag-schema index; a 404 (no tag, no repository) is `missing`. */
export async function readTagSchemaIndex(remote: RemoteRegistry, repo: Repository, subject: string, opts: { signal?: AbortSignal } = {}): Promise<TagSchemaIndex> {
  const tag = tagSchemaRef(repo, subject);
  let read: Awaited<ReturnType<typeof getManifestWithEtag>>;
  try {
    read = await getManifestWithEtag(remote, tag, opts);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'REGCTL_NOT_FOUND') return { state: 'missing', tag };
    throw err;
  }
  const parsed = parseIndex(read.manifest.bytes, read.manifest.mediaType);
  if ('why' in parsed) return { state: 'not-an-index', tag, why: parsed.why };
  return {
    state: 'index',
    tag,
    body: parsed.body,
    descriptors: parsed.body.manifests.filter(isListedDescriptor),
    digest: read.manifest.digest,
    etag: read.etag,
  };
}
