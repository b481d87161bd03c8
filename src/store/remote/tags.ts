// Tag listing with pagination: `Link: <...>; rel="next"` when the registry sends it,
// else `last=` paging when a page size was asked for and a full page came back.
import { RegctlError } from '../../errors.js';
import type { Repository } from '../../reference/parse.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { repositoryScope } from '../../transport/scope.js';
import type { RemoteRegistry } from './remote-registry.js';

const PAGE_LIMIT_BYTES = 16 * 1024 * 1024;
const MAX_PAGES = 10_000;

/** Parses an RFC 8288 Link header and returns the target of rel="next", if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

export interface ListTagsOptions {
  /** Page size sent as `n=`; registries may ignore it. */
  pageSize?: number;
  signal?: AbortSignal;
}

export async function listTags(remote: RemoteRegistry, repo: Repository, opts: ListTagsOptions = {}): Promise<string[]> {
  const transport = remote.transport(repo.registry);
  const base = `/v2/${repo.repository}/tags/list`;
  let path: string | undefined = opts.pageSize ? `${base}?n=${opts.pageSize}` : base;
  const tags: string[] = [];
  const seen = new Set<string>();
  for (let page = 0; path && page < MAX_PAGES; page++) {
    const res = await transport.request({
      method: 'GET',
      path,
      scopes: [repositoryScope(repo.repository, ['pull'])],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status !== 200) throw await readRegistryError(res, 'GET', res.url);
    const text = await res.text(PAGE_LIMIT_BYTES);
    let body: { tags?: unknown };
    try {
      body = JSON.parse(text) as { tags?: unknown };
    } catch {
      throw new RegctlError('REGCTL_REGISTRY', `tag list of ${repo.familiarName()} is not valid JSON`);
    }
    const pageTags = Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [];
    const fresh = pageTags.filter((t) => !seen.has(t));
    for (const t of fresh) {
      seen.add(t);
      tags.push(t);
    }
    const link = nextLink(res.headers.get('link'));
    if (link) {
      path = link;
    } else if (opts.pageSize && pageTags.length === opts.pageSize && fresh.length > 0) {
      path = `${base}?n=${opts.pageSize}&last=${encodeURIComponent(pageTags[pageTags.length - 1] ?? '')}`;
    } else {
      path = undefined;
    }
  }
  return tags;
}
