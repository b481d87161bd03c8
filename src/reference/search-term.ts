// Where a `search` term is sent and what is asked there, as docker's splitReposSearchTerm
// reads it: the first component is a registry host only when it contains `.` or `:` or is
// `localhost` (unlike image references, uppercase does not make a host); anything else is a
// Docker Hub search. Docker Hub does not find `library/foo` by that name, so the prefix goes.

import { InvalidReferenceError } from '../errors.js';
import { DOCKER_HUB, DOCKER_HUB_SEARCH_HOST, normalizeRegistryHost } from './hosts.js';

export interface SearchTarget {
  /** Logical registry: `docker.io` for Docker Hub, else `host[:port]`. */
  registry: string;
  /** What to search for; '' for `HOST/` (every repository of HOST). */
  query: string;
}

const LIBRARY_PREFIX = 'library/';

function isHostComponent(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

export function parseSearchTerm(term: string): SearchTarget {
  // docker's hasScheme check: `https://host/x` is never a search term.
  if (term.includes('://')) {
    throw new InvalidReferenceError(`invalid repository name: repository name (${term}) should not have a scheme`);
  }
  const slash = term.indexOf('/');
  const first = slash < 0 ? '' : term.slice(0, slash);
  if (slash < 0 || !isHostComponent(first)) return { registry: DOCKER_HUB, query: stripLibrary(term) };
  const registry = normalizeRegistryHost(first);
  const rest = term.slice(slash + 1);
  return { registry, query: registry === DOCKER_HUB ? stripLibrary(rest) : rest };
}

function stripLibrary(query: string): string {
  return query.startsWith(LIBRARY_PREFIX) ? query.slice(LIBRARY_PREFIX.length) : query;
}

/** Path and query of the v1 search API (Docker Hub and registries that implement it). */
export function v1SearchPath(query: string, limit: number): string {
  return `/v1/search?${new URLSearchParams({ q: query, n: String(limit) }).toString()}`;
}

/** The absolute v1 search URL docker uses for a Docker Hub term. */
export function hubSearchUrl(query: string, limit: number): string {
  return `https://${DOCKER_HUB_SEARCH_HOST}${v1SearchPath(query, limit)}`;
}
