// GET /v2/<name>/referrers/<digest>[?artifactType=T] (distribution-spec 1.1, "Listing
// Referrers"): an image index of the descriptors of the manifests whose subject is <digest>.
// Always 200 for a valid digest, with an empty index for an unknown subject or repository: a
// 404 would tell clients the API is missing and send them to the tag-schema fallback.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Descriptor } from '../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../oci/media-types.js';
import { MAX_MANIFEST_BYTES } from '../store/layout/reachability.js';
import { API_VERSION_HEADER } from './http-util.js';
import type { RegistryStorage } from './storage.js';

/** Bytes of one page: what clients must accept for a manifest. Past it the list goes on behind Link. */
export const REFERRERS_PAGE_BYTES = MAX_MANIFEST_BYTES;

const INDEX_OVERHEAD = JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [] }).length;

/**
 * The entries after `last` (by digest; the list is sorted) that fit in `pageBytes` once
 * serialized, and whether more remain. At least one entry per page, so paging always advances.
 */
export function referrersPage(sorted: readonly Descriptor[], last: string | undefined, pageBytes: number): { page: Descriptor[]; more: boolean } {
  const start = last === undefined ? 0 : sorted.findIndex((d) => d.digest > last);
  if (start < 0) return { page: [], more: false };
  const page: Descriptor[] = [];
  let bytes = INDEX_OVERHEAD;
  for (let i = start; i < sorted.length; i++) {
    const size = Buffer.byteLength(JSON.stringify(sorted[i])) + 1;
    if (page.length > 0 && bytes + size > pageBytes) return { page, more: true };
    page.push(sorted[i]!);
    bytes += size;
  }
  return { page, more: false };
}

export async function handleReferrers(
  storage: RegistryStorage,
  req: IncomingMessage,
  res: ServerResponse,
  repo: string,
  subject: string,
  query: URLSearchParams,
  pageBytes: number = REFERRERS_PAGE_BYTES,
): Promise<void> {
  const artifactType = query.get('artifactType') || undefined;
  const all = await storage.referrers(repo, subject);
  const matching = artifactType === undefined ? all : all.filter((d) => d.artifactType === artifactType);
  const { page, more } = referrersPage(matching, query.get('last') || undefined, pageBytes);
  const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: page });
  const headers: Record<string, string | number> = { ...API_VERSION_HEADER, 'content-type': OCI_IMAGE_INDEX, 'content-length': Buffer.byteLength(body) };
  if (artifactType !== undefined) headers['oci-filters-applied'] = 'artifactType';
  if (more) {
    const next = new URLSearchParams({ ...(artifactType !== undefined ? { artifactType } : {}), last: page[page.length - 1]!.digest });
    headers.link = `</v2/${repo}/referrers/${subject}?${next.toString()}>; rel="next"`;
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
