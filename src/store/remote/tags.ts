// Tag listing, every page (paging rules in paginate.ts).
import type { Repository } from '../../reference/parse.js';
import { repositoryScope } from '../../transport/scope.js';
import { collectPages, nextLink } from './paginate.js';
import type { PageBounds } from './page-bounds.js';
import type { RemoteRegistry } from './remote-registry.js';

export { nextLink };

export interface ListTagsOptions {
  /** Page size sent as `n=`; registries may ignore it. */
  pageSize?: number;
  /** Where a registry that never ends its list is stopped (README "Guarantees" has the defaults). */
  pageBounds?: Partial<PageBounds>;
  signal?: AbortSignal;
}

export async function listTags(remote: RemoteRegistry, repo: Repository, opts: ListTagsOptions = {}): Promise<string[]> {
  return collectPages(remote.transport(repo.registry), {
    base: `/v2/${repo.repository}/tags/list`,
    scopes: [repositoryScope(repo.repository, ['pull'])],
    field: 'tags',
    what: `tag list of ${repo.familiarName()}`,
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
    ...(opts.pageBounds ? { bounds: opts.pageBounds } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
