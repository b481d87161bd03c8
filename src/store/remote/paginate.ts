// Listing endpoints that page (`tags/list`, `_catalog`, `referrers/<digest>`): follow
// `Link: <...>; rel="next"` when the registry sends it, else (name lists) `last=` paging when a
// page size was asked for and a full page came back; stop on a page of nothing new or a next
// page already fetched (registries that ignore `last=` or repeat their Link would otherwise
// loop). Pages, entries and bytes are bounded (page-bounds.ts), and a next link must stay on
// the registry's origin (next-page-link.ts).
import { RegctlError, isRegctlError } from '../../errors.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import type { RegistryTransport } from '../../transport/registry-transport.js';
import { nextLink, resolveNextLink } from './next-page-link.js';
import { DEFAULT_PAGE_BOUNDS, PAGE_LIMIT_BYTES, pagedTooFar, type PageBounds } from './page-bounds.js';

export { nextLink };

/** One paged listing of entries of type T, each named by a key (a name, a digest). */
export interface PageWalk<T> {
  /** Path (and query) of the first page. */
  first: string;
  scopes: string[];
  /** For error messages, e.g. `tag list of team/app`. */
  what: string;
  /** What the entries are called in a bound's error: `names` (default), `descriptors`. */
  noun?: string;
  headers?: Record<string, string>;
  /** One page may hold this much (default PAGE_LIMIT_BYTES). */
  pageLimitBytes?: number;
  /** Where a registry that never ends its list is stopped (default DEFAULT_PAGE_BOUNDS). */
  bounds?: Partial<PageBounds>;
  signal?: AbortSignal;
  /** Runs on every non-200 answer before the generic registry error (may throw its own). */
  onFailure?: (res: HttpResponse, page: number) => Promise<void>;
  /** The entries of one page (`page` counts from 1); throws for a page that is not the listing's shape. */
  parse(text: string, res: HttpResponse, page: number): T[];
  key(entry: T): string;
  /** Where to go on when the page sent no Link (name lists: `last=` paging). */
  nextWithoutLink?(entries: readonly T[]): string | undefined;
  /** Stop once this is true (checked before each page). */
  full?(collected: readonly T[]): boolean;
}

/** One page's text, within both the per-page cap and what is left of the total. */
async function readPage(res: HttpResponse, pageLimit: number, remaining: number, overTotal: () => RegctlError): Promise<string> {
  try {
    return await res.text(Math.min(pageLimit, remaining));
  } catch (err) {
    if (isRegctlError(err) && err.code === 'REGCTL_TOO_LARGE' && remaining < pageLimit) throw overTotal();
    throw err;
  }
}

/** Every entry of every page, each key once, in the registry's order. */
export async function walkPages<T>(transport: RegistryTransport, walk: PageWalk<T>): Promise<T[]> {
  const bounds: PageBounds = { ...DEFAULT_PAGE_BOUNDS, ...walk.bounds };
  const pageLimit = walk.pageLimitBytes ?? PAGE_LIMIT_BYTES;
  const tooFar = (bound: keyof PageBounds) => pagedTooFar(walk.what, bound, bounds, walk.noun);
  let path: string | undefined = walk.first;
  const entries: T[] = [];
  const seen = new Set<string>();
  /** Absolute URLs of the pages fetched, so that a link back to one of them ends the listing. */
  const fetched = new Set<string>();
  let pages = 0;
  let bytes = 0;
  while (path && !walk.full?.(entries)) {
    if (pages >= bounds.maxPages) throw tooFar('maxPages');
    pages++;
    const res = await transport.request({
      method: 'GET',
      path,
      scopes: walk.scopes,
      ...(walk.headers ? { headers: walk.headers } : {}),
      ...(walk.signal ? { signal: walk.signal } : {}),
    });
    if (res.status !== 200) {
      await walk.onFailure?.(res, pages);
      throw await readRegistryError(res, 'GET', res.url);
    }
    // Known once the first request has pinged the registry (the ping is retried inside request()).
    const origin = new URL(await transport.origin(walk.signal)).origin;
    const pageUrl: string = new URL(path, origin).toString();
    fetched.add(pageUrl);
    const text = await readPage(res, pageLimit, bounds.maxBytes - bytes, () => tooFar('maxBytes'));
    bytes += Buffer.byteLength(text);
    const page = walk.parse(text, res, pages);
    const fresh = page.filter((e) => {
      const key = walk.key(e);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    entries.push(...fresh);
    if (entries.length > bounds.maxNames && !walk.full?.(entries)) throw tooFar('maxNames');
    const link = nextLink(res.headers.get('link'));
    const next: string | undefined = link ? resolveNextLink(link, pageUrl, origin, walk.what) : walk.nextWithoutLink?.(page);
    const nextUrl: string | undefined = next === undefined ? undefined : new URL(next, origin).toString();
    path = nextUrl && fresh.length > 0 && !fetched.has(nextUrl) ? nextUrl : undefined;
  }
  return entries;
}

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

/** A list of names (`tags`, `repositories`) across its pages. */
export async function collectPages(transport: RegistryTransport, listing: PageListing): Promise<string[]> {
  const { base, pageSize, limit } = listing;
  const names = await walkPages<string>(transport, {
    first: pageSize ? `${base}?n=${pageSize}` : base,
    scopes: listing.scopes,
    what: listing.what,
    ...(listing.bounds ? { bounds: listing.bounds } : {}),
    ...(listing.signal ? { signal: listing.signal } : {}),
    ...(listing.onFailure ? { onFailure: listing.onFailure } : {}),
    parse(text) {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new RegctlError('REGCTL_REGISTRY', `${listing.what} is not valid JSON`);
      }
      const value = body?.[listing.field];
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    },
    key: (name) => name,
    nextWithoutLink: (page) =>
      pageSize && page.length === pageSize ? `${base}?n=${pageSize}&last=${encodeURIComponent(page[page.length - 1] ?? '')}` : undefined,
    ...(limit !== undefined ? { full: (collected: readonly string[]) => collected.length >= limit } : {}),
  });
  return limit === undefined ? names : names.slice(0, limit);
}
