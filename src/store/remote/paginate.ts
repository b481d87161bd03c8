// Listing endpoints that page (`tags/list`, `_catalog`): follow `Link: <...>; rel="next"` when
// the registry sends it, else `last=` paging when a page size was asked for and a full page came
// back; stop on a page of nothing new or a next page already fetched (registries that ignore
// `last=` or repeat their Link would otherwise loop). Pages, names and bytes are bounded
// (page-bounds.ts), and a next link must stay on the registry's origin (next-page-link.ts).
import { RegctlError, isRegctlError } from '../../errors.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import type { RegistryTransport } from '../../transport/registry-transport.js';
import { nextLink, resolveNextLink } from './next-page-link.js';
import { DEFAULT_PAGE_BOUNDS, PAGE_LIMIT_BYTES, pagedTooFar, type PageBounds } from './page-bounds.js';

export { nextLink };

export interface PageListing {
  /** e.g. `/v2/team/app/tags/list`. */
  base: string;
  scopes: string[];
  /** The JSON field holding the names: `tags` or `repositories`. */
  field: string;
  /** For error messages, e.g. `tag list of team/app`. */
  what: string;
  pageSize?: number;
  /** Stop once this many names are known. */
  limit?: number;
  /** Where a registry that never ends its list is stopped (default DEFAULT_PAGE_BOUNDS). */
  bounds?: Partial<PageBounds>;
  signal?: AbortSignal;
  /** Runs on every non-200 answer before the generic registry error (may throw its own). */
  onFailure?: (res: HttpResponse) => Promise<void>;
}

/** One page's text, within both the per-page cap and what is left of the total. */
async function readPage(res: HttpResponse, remaining: number, overTotal: () => RegctlError): Promise<string> {
  try {
    return await res.text(Math.min(PAGE_LIMIT_BYTES, remaining));
  } catch (err) {
    if (isRegctlError(err) && err.code === 'REGCTL_TOO_LARGE' && remaining < PAGE_LIMIT_BYTES) throw overTotal();
    throw err;
  }
}

export async function collectPages(transport: RegistryTransport, listing: PageListing): Promise<string[]> {
  const { base, pageSize } = listing;
  const bounds: PageBounds = { ...DEFAULT_PAGE_BOUNDS, ...listing.bounds };
  let path: string | undefined = pageSize ? `${base}?n=${pageSize}` : base;
  const names: string[] = [];
  const seen = new Set<string>();
  /** Absolute URLs of the pages fetched, so that a link back to one of them ends the listing. */
  const fetched = new Set<string>();
  let pages = 0;
  let bytes = 0;
  const full = () => listing.limit !== undefined && names.length >= listing.limit;
  while (path && !full()) {
    if (pages >= bounds.maxPages) throw pagedTooFar(listing.what, 'maxPages', bounds);
    pages++;
    const res = await transport.request({ method: 'GET', path, scopes: listing.scopes, ...(listing.signal ? { signal: listing.signal } : {}) });
    if (res.status !== 200) {
      await listing.onFailure?.(res);
      throw await readRegistryError(res, 'GET', res.url);
    }
    // Known once the first request has pinged the registry (the ping is retried inside request()).
    const origin = new URL(await transport.origin(listing.signal)).origin;
    fetched.add(new URL(path, origin).toString());
    const text = await readPage(res, bounds.maxBytes - bytes, () => pagedTooFar(listing.what, 'maxBytes', bounds));
    bytes += Buffer.byteLength(text);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new RegctlError('REGCTL_REGISTRY', `${listing.what} is not valid JSON`);
    }
    const value = body[listing.field];
    const page = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const fresh = page.filter((n) => !seen.has(n));
    for (const n of fresh) {
      seen.add(n);
      names.push(n);
    }
    if (names.length > bounds.maxNames && !full()) throw pagedTooFar(listing.what, 'maxNames', bounds);
    const link = nextLink(res.headers.get('link'));
    let next: string | undefined;
    if (link) next = resolveNextLink(link, new URL(path, origin).toString(), origin, listing.what);
    else if (pageSize && page.length === pageSize) next = new URL(`${base}?n=${pageSize}&last=${encodeURIComponent(page[page.length - 1] ?? '')}`, origin).toString();
    path = next && fresh.length > 0 && !fetched.has(next) ? next : undefined;
  }
  return listing.limit === undefined ? names : names.slice(0, listing.limit);
}
