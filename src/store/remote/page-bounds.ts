// How far a paged listing (`tags/list`, `_catalog`) may go before regctl stops believing the
// registry. A registry that keeps inventing names would otherwise grow the list until memory
// runs out (2.8 GB in 40 s was seen), printing nothing. The defaults sit far above real
// repositories (the biggest public ones have tens of thousands of tags) yet keep the worst case
// to about a few hundred MB: 500,000 names of up to 128 characters fit in 64 MiB of JSON.
import { RegctlError } from '../../errors.js';

export interface PageBounds {
  /** Pages fetched. */
  maxPages: number;
  /** Distinct names collected. */
  maxNames: number;
  /** Response body bytes read, all pages together. */
  maxBytes: number;
}

export const DEFAULT_PAGE_BOUNDS: PageBounds = {
  maxPages: 10_000,
  maxNames: 500_000,
  maxBytes: 64 * 1024 * 1024,
};

/** One page may hold this much; a bigger one is refused before it is parsed. */
export const PAGE_LIMIT_BYTES = 16 * 1024 * 1024;

const UNITS: Record<keyof PageBounds, (n: number, noun: string) => string> = {
  maxPages: (n) => `${n} pages`,
  maxNames: (n, noun) => `${n} ${noun}`,
  maxBytes: (n) => `${Math.round(n / (1024 * 1024))} MiB`,
};

/** `what` (e.g. "tag list of team/app") went past one of the bounds; `noun` names its entries. */
export function pagedTooFar(what: string, bound: keyof PageBounds, bounds: PageBounds, noun = 'names'): RegctlError {
  return new RegctlError('REGCTL_TOO_LARGE', `${what}: the registry kept sending pages past ${UNITS[bound](bounds[bound], noun)}; stopped there`, {
    hint: 'a registry should end its list; if this one really is that long, list it through the library with larger bounds (pageBounds)',
  });
}
