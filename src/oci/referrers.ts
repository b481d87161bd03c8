// The two rules of distribution-spec 1.1 referrers that a registry and a client must agree on,
// kept in one place so `regctl registry serve` and the client side can never drift apart:
//
// - the referrers tag schema's tag for a subject digest ("Referrers Tag Schema"), where clients
//   keep the list on registries without the referrers API;
// - the descriptor a manifest with a `subject` contributes to that list ("Listing Referrers",
//   "Pushing Manifests with Subject"): the manifest's own media type, digest and size, its
//   artifactType (else, image manifests only, its config's media type) and its annotations.
import { RegctlError } from '../errors.js';
import { isDigest, parseDigest } from './digest.js';
import type { Descriptor } from './manifest.js';
import { isIndexMediaType } from './media-types.js';

/** The spec's tag for a subject digest: algorithm truncated to 32, encoded part to 64, `-` between. */
export function referrersTag(subject: string): string {
  const d = parseDigest(subject);
  return `${d.algorithm.slice(0, 32)}-${d.hex.slice(0, 64)}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/** The fields of a manifest body the referrer rules look at; anything else is ignored. */
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
 * A `subject` without a valid digest throws REGCTL_INVALID_MANIFEST: it names nothing a list
 * could be kept for (the registry answers it with 400 MANIFEST_INVALID).
 */
export function referrerOf(body: ManifestBody, mediaType: string, digest: string, size: number): Referrer | undefined {
  if (body.subject === undefined || body.subject === null) return undefined;
  const subject = typeof body.subject === 'object' ? body.subject.digest : undefined;
  if (typeof subject !== 'string' || !isDigest(subject)) throw new RegctlError('REGCTL_INVALID_MANIFEST', 'subject has no valid digest');
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
