// Referrers recorded by clients before this registry had the referrers API: an image index
// tagged with the referrers tag schema (`<alg>-<hex>` of the subject). distribution-spec 1.1,
// "Enabling the Referrers API": such manifests MUST be listed when they are in the repository
// and really have that subject. The tag's own descriptors are not trusted; each listed manifest
// is read and its descriptor computed as for a push.
import type { Descriptor } from '../oci/manifest.js';
import { isIndexMediaType } from '../oci/media-types.js';
import { isDigest } from '../oci/digest.js';
import { referrerOf, referrersTag, type ManifestBody } from '../oci/referrers.js';
import type { RegistryStorage } from './storage.js';

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Descriptors from the subject's tag-schema index not already in `known` (empty when there is none). */
export async function tagSchemaReferrers(storage: RegistryStorage, repo: string, subject: string, known: ReadonlySet<string>): Promise<Descriptor[]> {
  const tagged = await storage.resolveManifest(repo, referrersTag(subject));
  if (!tagged || !isIndexMediaType(tagged.mediaType)) return [];
  const index = parseJson(await storage.readManifestBytes(tagged.digest).catch(() => Buffer.alloc(0))) as { manifests?: { digest?: unknown }[] } | undefined;
  if (!Array.isArray(index?.manifests)) return [];
  const out: Descriptor[] = [];
  for (const entry of index.manifests) {
    const digest = entry?.digest;
    if (!isDigest(digest) || known.has(digest) || !(await storage.hasManifestLink(repo, digest))) continue;
    const link = await storage.resolveManifest(repo, digest);
    const bytes = await storage.readManifestBytes(digest).catch(() => undefined);
    const body = bytes && (parseJson(bytes) as ManifestBody | undefined);
    if (!link || !body || typeof body !== 'object') continue;
    try {
      const referrer = referrerOf(body, link.mediaType, digest, bytes.length);
      if (referrer?.subject === subject) out.push(referrer.descriptor);
    } catch {
      // A subject without a valid digest: not a referrer of anything.
    }
  }
  return out;
}
