// The repository catalog (`GET /v2/_catalog`), with a `registry:catalog:*` token, across
// pages: `Link: <...>; rel="next"` when the registry sends it, else `last=` paging when a page
// size was asked for and a full page came back (the same rules as tag listing).
import { RegctlError } from '../../errors.js';
import { DOCKER_HUB } from '../../reference/hosts.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { CATALOG_SCOPE } from '../../transport/scope.js';
import type { PageBounds } from './page-bounds.js';
import type { RemoteRegistry } from './remote-registry.js';
import { collectPages } from './paginate.js';

export interface CatalogOptions {
  /** Page size sent as `n=`; registries may cap or ignore it. */
  pageSize?: number;
  /** Stop once this many repositories are known (no further pages are fetched). */
  limit?: number;
  /** Where a registry that never ends its list is stopped (README "Guarantees" has the defaults). */
  pageBounds?: Partial<PageBounds>;
  signal?: AbortSignal;
}

function catalogUnavailable(registry: string, detail: string): RegctlError {
  return new RegctlError('REGCTL_UNSUPPORTED', `${registry} does not offer a repository catalog (${detail})`);
}

/** Every repository name of a registry (paths such as `team/app`), in the registry's order. */
export async function listCatalog(remote: RemoteRegistry, registry: string, opts: CatalogOptions = {}): Promise<string[]> {
  // Hub disabled its catalog long ago; asking would only cost a token round trip.
  if (registry === DOCKER_HUB) throw catalogUnavailable('Docker Hub', 'search it with: regctl search TERM');
  const base = '/v2/_catalog';
  return collectPages(remote.transport(registry), {
    base,
    scopes: [CATALOG_SCOPE],
    field: 'repositories',
    what: `the catalog of ${registry}`,
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.pageBounds ? { bounds: opts.pageBounds } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onFailure: async (res) => {
      if (res.status === 404 || res.status === 405 || res.status === 501) {
        await res.dump();
        throw catalogUnavailable(registry, `GET ${base}: ${res.status} ${res.statusText}`.trim());
      }
      const err = await readRegistryError(res, 'GET', res.url);
      if (err.errors.some((e) => e.code === 'UNSUPPORTED')) throw catalogUnavailable(registry, err.message);
      throw err;
    },
  });
}
