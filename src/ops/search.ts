// `search`: Docker Hub's v1 search for a bare term; for a registry host, its own v1 search if
// it has one, else (like podman) its catalog matched by substring. `--list-tags` lists the tags
// of one repository instead, as podman does.
import { UsageError } from '../errors.js';
import { DOCKER_HUB } from '../reference/hosts.js';
import { parseRepository } from '../reference/parse.js';
import type { SearchTarget } from '../reference/search-term.js';
import { listCatalog } from '../store/remote/catalog.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { listTags } from '../store/remote/tags.js';
import { searchDockerHub, searchRegistryV1, type SearchResult } from '../store/remote/v1-search.js';
import { applySearchFilters, matchesNothing, type SearchFilters } from './search-filters.js';

export type { SearchResult };

export const DEFAULT_SEARCH_LIMIT = 25;
const MAX_SEARCH_LIMIT = 100;

export interface SearchOptions {
  /** --limit when given; docker's default (25) otherwise. */
  limit?: number;
  filters?: SearchFilters;
  /** `n=` for the catalog fallback's pages (default: the registry's own page size). */
  catalogPageSize?: number;
  signal?: AbortSignal;
}

export interface SearchOutcome {
  registry: string;
  query: string;
  /** 'catalog' when the registry has no search API and its catalog was matched instead. */
  source: 'search' | 'catalog';
  results: SearchResult[];
}

/** docker's range check, with its wording. */
export function checkSearchLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new UsageError(`limit ${limit} is outside the range of [1, ${MAX_SEARCH_LIMIT}]`);
  }
}

/**
 * podman's catalog matching: repositories containing the query, an exact match first, names
 * given with their registry so they can be pulled as printed.
 */
export function matchCatalog(registry: string, repositories: readonly string[], query: string): SearchResult[] {
  const hits = repositories.filter((r) => r.includes(query));
  const ordered = [...hits.filter((r) => r === query), ...hits.filter((r) => r !== query)];
  return ordered.map((r) => ({ name: `${registry}/${r}`, description: '', starCount: 0, isOfficial: false, isAutomated: false }));
}

export async function search(remote: RemoteRegistry, target: SearchTarget, opts: SearchOptions = {}): Promise<SearchOutcome> {
  const filters = opts.filters ?? {};
  const { registry, query } = target;
  const outcome = (source: SearchOutcome['source'], results: SearchResult[]): SearchOutcome => ({
    registry,
    query,
    source,
    results: applySearchFilters(results, filters),
  });
  if (matchesNothing(filters)) return outcome('search', []);
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT;
  checkSearchLimit(limit);
  const signal = opts.signal ? { signal: opts.signal } : {};

  if (registry === DOCKER_HUB) {
    if (query === '') throw new UsageError('a search term is required: Docker Hub cannot list every repository');
    return outcome('search', await searchDockerHub(remote, query, { limit, ...signal }));
  }
  // `HOST/` asks for everything, which only the catalog can answer.
  if (query !== '') {
    const found = await searchRegistryV1(remote, registry, query, { limit, ...signal });
    if (found) return outcome('search', found);
  }
  const repositories = await listCatalog(remote, registry, { ...signal, ...(opts.catalogPageSize ? { pageSize: opts.catalogPageSize } : {}) });
  const matched = matchCatalog(registry, repositories, query);
  // `HOST/` lists every repository unless a limit was asked for explicitly.
  const cap = query === '' && opts.limit === undefined ? matched.length : limit;
  return outcome('catalog', matched.slice(0, cap));
}

export interface TagRow {
  /** Full repository name, as podman prints it: `docker.io/library/alpine`. */
  name: string;
  tag: string;
}

/** `search --list-tags REPOSITORY`: the first `limit` tags of one repository (podman's behaviour). */
export async function searchTags(
  remote: RemoteRegistry,
  term: string,
  opts: { limit?: number; signal?: AbortSignal } = {},
): Promise<TagRow[]> {
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT;
  checkSearchLimit(limit);
  const repo = parseRepository(term);
  const tags = await listTags(remote, repo, opts.signal ? { signal: opts.signal } : {});
  return tags.slice(0, limit).map((tag) => ({ name: repo.name(), tag }));
}
