// The v1 search API (`GET /v1/search?q=TERM&n=LIMIT`): Docker Hub answers it on
// index.docker.io without auth; a few private registries (Artifactory, Nexus) implement it
// too. distribution does not, so for a private registry "not implemented" is an answer
// (undefined), and the caller falls back to the catalog.
import { RegctlError } from '../../errors.js';
import { hubSearchUrl, v1SearchPath } from '../../reference/search-term.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { isRetryableNetworkError, withRetry } from '../../transport/retry.js';
import type { RemoteRegistry } from './remote-registry.js';

export interface SearchResult {
  name: string;
  description: string;
  starCount: number;
  isOfficial: boolean;
  /** Deprecated by Docker Hub; docker forces it to false, and so do we. */
  isAutomated: boolean;
}

const BODY_LIMIT = 4 * 1024 * 1024;
/** docker sends it; Hub's v1 search has always been asked this way. */
const SEARCH_HEADERS = { 'x-docker-token': 'true', accept: 'application/json' };
/** What a registry without a v1 search says (401: it guards every path, search or not). */
const NOT_IMPLEMENTED = new Set([401, 403, 404, 405, 501]);

export interface V1SearchOptions {
  limit: number;
  signal?: AbortSignal;
}

function toResult(raw: unknown): SearchResult | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || r.name === '') return undefined;
  return {
    name: r.name,
    description: typeof r.description === 'string' ? r.description : '',
    // Hub has sent 0 stars for years (docker/cli#3432); a missing count is 0 too.
    starCount: typeof r.star_count === 'number' && Number.isFinite(r.star_count) ? Math.trunc(r.star_count) : 0,
    isOfficial: r.is_official === true,
    isAutomated: false,
  };
}

/** `{"results":[...]}` as search results; undefined when the body is not that shape. */
export function parseV1SearchBody(text: string): SearchResult[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return undefined;
  return results.map(toResult).filter((r): r is SearchResult => r !== undefined);
}

async function readResults(res: HttpResponse, where: string): Promise<SearchResult[] | undefined> {
  const text = await res.text(BODY_LIMIT).catch((err: unknown) => {
    throw new RegctlError('REGCTL_TOO_LARGE', `search response from ${where} is over ${BODY_LIMIT} bytes`, { cause: err });
  });
  return parseV1SearchBody(text);
}

/** Docker Hub: `https://index.docker.io/v1/search?q=&n=`, anonymous, no fallback. */
export async function searchDockerHub(remote: RemoteRegistry, query: string, opts: V1SearchOptions): Promise<SearchResult[]> {
  const url = hubSearchUrl(query, opts.limit);
  const res = await withRetry(
    () => remote.send({ method: 'GET', url, headers: SEARCH_HEADERS, ...(opts.signal ? { signal: opts.signal } : {}) }),
    { attempts: remote.attempts ?? 3, ...(opts.signal ? { signal: opts.signal } : {}), shouldRetry: (err) => ({ retry: isRetryableNetworkError(err) }) },
  );
  if (res.status !== 200) throw await readRegistryError(res, 'GET', url);
  const results = await readResults(res, 'Docker Hub');
  if (!results) throw new RegctlError('REGCTL_REGISTRY', `Docker Hub's search (${url}) did not answer with search results`);
  return results;
}

/**
 * A private registry's v1 search, with the registry's own auth (Basic or a token). Undefined
 * when it has none: a "not implemented" status, or a 200 that is not search JSON (a web UI
 * answering every path).
 */
export async function searchRegistryV1(
  remote: RemoteRegistry,
  registry: string,
  query: string,
  opts: V1SearchOptions,
): Promise<SearchResult[] | undefined> {
  const res = await remote.transport(registry).request({
    method: 'GET',
    path: v1SearchPath(query, opts.limit),
    scopes: [],
    headers: SEARCH_HEADERS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (NOT_IMPLEMENTED.has(res.status)) {
    await res.dump();
    return undefined;
  }
  if (res.status !== 200) throw await readRegistryError(res, 'GET', res.url);
  return readResults(res, registry);
}
