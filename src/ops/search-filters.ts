// `search --filter` as docker (moby's registry.Service.Search) reads it: `name=value` pairs
// collected per name, only is-automated / is-official / stars accepted, booleans given as
// true/false/1/0, the highest `stars` wins, and everything applied to the fetched page, so a
// filtered list is shorter than --limit. is-automated is deprecated: Hub no longer marks any
// repository as automated, so `is-automated=true` matches nothing and nothing is fetched.
import { UsageError } from '../errors.js';
import type { SearchResult } from '../store/remote/v1-search.js';

export interface SearchFilters {
  /** At least this many stars. */
  stars?: number;
  isOfficial?: boolean;
  /** Only `true` matters: it matches nothing. */
  isAutomated?: boolean;
}

const ACCEPTED = new Set(['is-automated', 'is-official', 'stars']);

/** Go's `%s` of a []string: `[a b]`. */
const goList = (values: Iterable<string>) => `[${[...values].join(' ')}]`;

function boolFilter(name: string, values: Set<string>): boolean {
  const isFalse = values.has('0') || values.has('false');
  const isTrue = values.has('1') || values.has('true');
  // Neither, or both (`is-official=true` and `is-official=false` at once).
  if (isFalse === isTrue) throw new UsageError(`invalid filter '${name}=${goList(values)}'`);
  return isTrue;
}

/** Parses `--filter` values; throws UsageError with docker's texts. */
export function parseSearchFilters(args: readonly string[]): SearchFilters {
  const byName = new Map<string, Set<string>>();
  for (const arg of args) {
    if (arg === '') continue;
    const eq = arg.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid argument "${arg}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    const name = arg.slice(0, eq).trim().toLowerCase();
    const value = arg.slice(eq + 1).trim();
    const set = byName.get(name) ?? new Set<string>();
    set.add(value);
    byName.set(name, set);
  }
  for (const name of byName.keys()) if (!ACCEPTED.has(name)) throw new UsageError(`invalid filter '${name}'`);
  const filters: SearchFilters = {};
  const automated = byName.get('is-automated');
  if (automated) {
    filters.isAutomated = boolFilter('is-automated', automated);
    // docker returns an empty result here, before looking at the other filters.
    if (filters.isAutomated) return filters;
  }
  const official = byName.get('is-official');
  if (official) filters.isOfficial = boolFilter('is-official', official);
  const stars = byName.get('stars');
  if (stars) {
    let max = 0;
    for (const v of stars) {
      // strconv.Atoi: optional sign, decimal digits, nothing else.
      if (!/^[+-]?\d+$/.test(v)) throw new UsageError(`invalid filter 'stars=${v}'`);
      max = Math.max(max, Number(v));
    }
    filters.stars = max;
  }
  return filters;
}

/** True when the filters can match nothing whatever the registry returns. */
export function matchesNothing(filters: SearchFilters): boolean {
  return filters.isAutomated === true;
}

export function applySearchFilters(results: readonly SearchResult[], filters: SearchFilters): SearchResult[] {
  if (matchesNothing(filters)) return [];
  return results
    .filter((r) => filters.isOfficial === undefined || r.isOfficial === filters.isOfficial)
    .filter((r) => filters.stars === undefined || r.starCount >= filters.stars)
    .map((r) => ({ ...r, isAutomated: false }));
}
