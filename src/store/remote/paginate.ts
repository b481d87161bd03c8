// Listing endpoints that page (`tags/list`, `_catalog`): follow `Link: <...>; rel="next"` when
// the registry sends it, else `last=` paging when a page size was asked for and a full page came
// back; stop on a page of nothing new or a next page already fetched (registries that ignore
// `last=` or repeat their Link would otherwise loop).
import { RegctlError } from '../../errors.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import type { RegistryTransport } from '../../transport/registry-transport.js';

const PAGE_LIMIT_BYTES = 16 * 1024 * 1024;
const MAX_PAGES = 100_000;

/** Parses an RFC 8288 Link header and returns the target of rel="next", if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

export interface PageListing {
  /** e.g. `/v2/team/app/tags/list`. */
  base: string;
  scopes: string[];
  /** The JSON field holding the names: `tags` or `repositories`. */
  field: string;
  /** For the invalid-JSON message, e.g. `tag list of team/app`. */
  what: string;
  pageSize?: number;
  /** Stop once this many names are known. */
  limit?: number;
  signal?: AbortSignal;
  /** Runs on every non-200 answer before the generic registry error (may throw its own). */
  onFailure?: (res: HttpResponse) => Promise<void>;
}

export async function collectPages(transport: RegistryTransport, listing: PageListing): Promise<string[]> {
  const { base, pageSize } = listing;
  let path: string | undefined = pageSize ? `${base}?n=${pageSize}` : base;
  const names: string[] = [];
  const seen = new Set<string>();
  const fetched = new Set<string>();
  const full = () => listing.limit !== undefined && names.length >= listing.limit;
  while (path && fetched.size < MAX_PAGES && !full()) {
    fetched.add(path);
    const res = await transport.request({ method: 'GET', path, scopes: listing.scopes, ...(listing.signal ? { signal: listing.signal } : {}) });
    if (res.status !== 200) {
      await listing.onFailure?.(res);
      throw await readRegistryError(res, 'GET', res.url);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await res.text(PAGE_LIMIT_BYTES)) as Record<string, unknown>;
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
    const link = nextLink(res.headers.get('link'));
    let next: string | undefined;
    if (link) next = link;
    else if (pageSize && page.length === pageSize) next = `${base}?n=${pageSize}&last=${encodeURIComponent(page[page.length - 1] ?? '')}`;
    path = next && fresh.length > 0 && !fetched.has(next) ? next : undefined;
  }
  return listing.limit === undefined ? names : names.slice(0, listing.limit);
}
