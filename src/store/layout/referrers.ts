// What refers to a manifest in an OCI layout (a user's oci:DIR), which has no referrers API:
// the manifests the layout holds, found from index.json (its entries and, through indexes, what
// they list), whose `subject` names the digest. oras-go's layout store keeps a referrer as an
// index.json entry without ref.name and finds it this way (content/oci: the predecessors of
// the index's graph); regclient's ocidir keeps a referrers tag-schema index under the ref.name
// `sha256-<hex>`, whose entries this walk reaches too. One walk answers every subject: it is
// made once per source and kept.
import type { RegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import { isImageManifestMediaType, isIndexMediaType } from '../../oci/media-types.js';
import { referrerOf, type ManifestBody } from '../../oci/referrers.js';
import type { LayoutStore } from './layout-store.js';

/** Manifests larger than this are not read (registries refuse them too). */
const MANIFEST_LIMIT = 4 * 1024 * 1024;
/** Indexes inside indexes deeper than this are not followed. */
const MAX_DEPTH = 8;
/** A walk reads at most this many manifests. */
const MAX_MANIFESTS = 100_000;

/** Subject digest -> the referrer descriptors of the manifests naming it, in index order. */
export type LayoutReferrers = ReadonlyMap<string, readonly Descriptor[]>;

const isManifest = (mediaType: string | undefined) => mediaType !== undefined && (isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType));

function parse(bytes: Buffer): ManifestBody | undefined {
  try {
    const body: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ManifestBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Walks every manifest index.json reaches. A manifest that is missing (a layout holding some
 * platforms of an index only), too large or not JSON is passed over, as is a `subject` without
 * a valid digest: neither names anything a referrer list could hold.
 */
export async function readLayoutReferrers(store: LayoutStore): Promise<LayoutReferrers> {
  const found = new Map<string, Descriptor[]>();
  const seen = new Set<string>();
  const visit = async (d: Descriptor, depth: number): Promise<void> => {
    if (seen.has(d.digest) || seen.size >= MAX_MANIFESTS) return;
    seen.add(d.digest);
    const bytes = await store.readBlobBytes(d.digest, MANIFEST_LIMIT).catch((err: unknown) => {
      const code = (err as RegctlError).code;
      if (code === 'REGCTL_NOT_FOUND' || code === 'REGCTL_TOO_LARGE') return undefined;
      throw err;
    });
    const body = bytes ? parse(bytes) : undefined;
    if (!bytes || !body) return;
    const mediaType = typeof body.mediaType === 'string' && body.mediaType !== '' ? body.mediaType : d.mediaType;
    let referrer;
    try {
      referrer = referrerOf(body, mediaType, d.digest, bytes.length);
    } catch {
      referrer = undefined;
    }
    if (referrer) found.set(referrer.subject, [...(found.get(referrer.subject) ?? []), referrer.descriptor]);
    if (isIndexMediaType(mediaType) && depth < MAX_DEPTH && Array.isArray(body.manifests)) {
      for (const child of body.manifests as Descriptor[]) {
        if (typeof child?.digest === 'string' && isManifest(child.mediaType)) await visit(child, depth + 1);
      }
    }
  };
  for (const entry of await store.listEntries()) if (isManifest(entry.mediaType)) await visit(entry, 0);
  return found;
}
