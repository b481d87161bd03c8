// What a pushed manifest contributes to its subject's referrers list (distribution-spec 1.1,
// "Listing Referrers"): the descriptor of the manifest itself, with artifactType taken from the
// manifest, else (image manifests only) from its config's media type, and the manifest's
// annotations copied. Computed once at PUT and kept in the referrer link, so a listing never
// re-reads manifests.
import type { Descriptor } from '../oci/manifest.js';
import { isDigest } from '../oci/digest.js';
import { isIndexMediaType } from '../oci/media-types.js';
import { HttpError } from './http-util.js';

/** The fields of a pushed manifest body the registry looks at. */
export interface ManifestBody {
  mediaType?: unknown;
  artifactType?: unknown;
  config?: { digest?: unknown; mediaType?: unknown };
  layers?: { digest?: unknown }[];
  manifests?: { digest?: unknown }[];
  subject?: { digest?: unknown };
  annotations?: unknown;
}

export interface Referrer {
  /** Digest of the manifest named in `subject`. */
  subject: string;
  descriptor: Descriptor;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The subject and referrer descriptor of a manifest, or undefined when it has no `subject`.
 * A `subject` without a valid digest is refused: the client asked for a link we cannot make.
 */
export function referrerOf(body: ManifestBody, mediaType: string, digest: string, size: number): Referrer | undefined {
  if (body.subject === undefined || body.subject === null) return undefined;
  const subject = typeof body.subject === 'object' ? body.subject.digest : undefined;
  if (typeof subject !== 'string' || !isDigest(subject)) throw new HttpError('MANIFEST_INVALID', 'manifest invalid: subject has no valid digest');
  let artifactType = typeof body.artifactType === 'string' && body.artifactType !== '' ? body.artifactType : undefined;
  // An index has no config to fall back on: its artifactType is then omitted, as the spec says.
  if (artifactType === undefined && !isIndexMediaType(mediaType) && typeof body.config?.mediaType === 'string' && body.config.mediaType !== '') {
    artifactType = body.config.mediaType;
  }
  const annotations = stringRecord(body.annotations);
  return {
    subject,
    descriptor: { mediaType, digest, size, ...(artifactType !== undefined ? { artifactType } : {}), ...(annotations ? { annotations } : {}) },
  };
}
