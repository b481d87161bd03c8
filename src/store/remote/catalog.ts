// The repository catalog (`GET /v2/_catalog`), with a `registry:catalog:*` token, across
// pages: `Link: <...>; rel="next"` when the registry sends it, else `last=` paging when a page
// size was asked for and a full page came back (the same rules as tag listing).
import { RegctlError } from '../../errors.js';
import { DOCKER_HUB } from '../../reference/hosts.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { CATALOG_SCOPE } from '../../transport/scope.js';
import type { RemoteRegistry } from './remote-registry.js';
import { nextLink } from './tags.js';

const PAGE_LIMIT_BYTES = 16 * 1024 * 1024;
const MAX_PAGES = 100_000;

export interface CatalogOptions {
  /** Page size sent as `n=`; registries may cap or ignore it. */
  pageSize?: number;
  /** Stop once this many repositories are known (no further pages are fetched). */
  limit?: number;
  signal?: AbortSignal;
}

function catalogUnavailable(registry: string, detail: string): RegctlError {
  return new RegctlError('REGCTL_UNSUPPORTED', `${registry} does not offer a repository catalog (${detail})`);
}

/** Every repository name of a registry (paths such as `team/app`), in the registry's order. */
export async function listCatalog(remote: RemoteRegistry, registry: string, opts: CatalogOptions = {}): Promise<string[]> {
  // Hub disabled its catalog long ago; asking would only cost a token round trip.
  if (registry === DOCKER_HUB) throw catalogUnavailable('Docker Hub', 'search it with: regctl search TERM');
  const transport = remote.transport(registry);
  const base = '/v2/_catalog';
  let path: string | undefined = opts.pageSize ? `${base}?n=${opts.pageSize}` : base;
  const repositories: string[] = [];
  const seen = new Set<string>();
  const full = () => opts.limit !== undefined && repositories.length >= opts.limit;
  for (let page = 0; path && page < MAX_PAGES && !full(); page++) {
    const res = await transport.request({ method: 'GET', path, scopes: [CATALOG_SCOPE], ...(opts.signal ? { signal: opts.signal } : {}) });
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      await res.dump();
      throw catalogUnavailable(registry, `GET ${base}: ${res.status} ${res.statusText}`.trim());
    }
    if (res.status !== 200) {
      const err = await readRegistryError(res, 'GET', res.url);
      if (err.errors.some((e) => e.code === 'UNSUPPORTED')) throw catalogUnavailable(registry, err.message);
      throw err;
    }
    let body: { repositories?: unknown };
    try {
      body = JSON.parse(await res.text(PAGE_LIMIT_BYTES)) as { repositories?: unknown };
    } catch {
      throw new RegctlError('REGCTL_REGISTRY', `the catalog of ${registry} is not valid JSON`);
    }
    const names = Array.isArray(body.repositories) ? body.repositories.filter((r): r is string => typeof r === 'string') : [];
    const fresh = names.filter((r) => !seen.has(r));
    for (const r of fresh) {
      seen.add(r);
      repositories.push(r);
    }
    const link = nextLink(res.headers.get('link'));
    if (link && fresh.length > 0) {
      path = link;
    } else if (!link && opts.pageSize && names.length === opts.pageSize && fresh.length > 0) {
      path = `${base}?n=${opts.pageSize}&last=${encodeURIComponent(names[names.length - 1] ?? '')}`;
    } else {
      path = undefined;
    }
  }
  return opts.limit === undefined ? repositories : repositories.slice(0, opts.limit);
}
