import { describe, expect, it } from 'vitest';
import { listCatalog } from '../../../../src/store/remote/catalog.js';
import type { EdgeHandler, EdgeServer } from '../../../helpers/edge-server.js';
import { bearerChallenge, raw, registryError, sendJson } from '../../../helpers/edge-routes.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';

const setup = useOpenEdgeRegistry({ attempts: 1 });

/** distribution's catalog paging: `n` per page (default `pageSize`), Link to the next page. */
function catalogPages(repositories: readonly string[], pageSize: number, link = true): EdgeHandler {
  const sorted = [...repositories].sort();
  return (req, res) => {
    const n = Number(req.url.searchParams.get('n') ?? pageSize) || pageSize;
    const last = req.url.searchParams.get('last');
    const start = last === null ? 0 : sorted.findIndex((r) => r > last);
    const page = start < 0 ? [] : sorted.slice(start, start + n);
    const more = start >= 0 && start + n < sorted.length;
    sendJson(res, 200, { repositories: page }, more && link ? { link: `</v2/_catalog?last=${encodeURIComponent(page.at(-1)!)}&n=${n}>; rel="next"` } : {});
  };
}

const REPOS = Array.from({ length: 7 }, (_, i) => `team/app${i}`);
const catalogRequests = (s: EdgeServer) => s.requests.filter((r) => r.url.startsWith('/v2/_catalog')).map((r) => r.url);

describe('listCatalog', () => {
  it('follows Link rel="next" across pages', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', catalogPages(REPOS, 3));
    expect(await listCatalog(remote, s.host)).toEqual(REPOS);
    expect(catalogRequests(s)).toEqual(['/v2/_catalog', '/v2/_catalog?last=team%2Fapp2&n=3', '/v2/_catalog?last=team%2Fapp5&n=3']);
  });

  it('sends n= for --page-size and pages with last= when no Link comes back', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', catalogPages(REPOS, 100, false));
    expect(await listCatalog(remote, s.host, { pageSize: 4 })).toEqual(REPOS);
    expect(catalogRequests(s)).toEqual(['/v2/_catalog?n=4', '/v2/_catalog?n=4&last=team%2Fapp3']);
  });

  it('stops fetching pages once --limit repositories are known', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', catalogPages(REPOS, 2));
    expect(await listCatalog(remote, s.host, { limit: 3 })).toEqual(REPOS.slice(0, 3));
    expect(catalogRequests(s)).toHaveLength(2);
  });

  it('asks the token server for registry:catalog:*', async () => {
    const { s, remote } = await setup();
    const scopes: string[][] = [];
    s.on('GET', '/v2/', bearerChallenge(`${s.url}/token`, 'edge'));
    s.on('GET', '/token', (req, res) => {
      scopes.push(req.url.searchParams.getAll('scope'));
      sendJson(res, 200, { token: 'catalog-token' });
    });
    s.on('GET', '/v2/_catalog', (req, res) =>
      req.headers.authorization === 'Bearer catalog-token' ? sendJson(res, 200, { repositories: ['a'] }) : sendJson(res, 401, {}),
    );
    expect(await listCatalog(remote, s.host)).toEqual(['a']);
    expect(scopes).toEqual([['registry:catalog:*']]);
  });

  it.each([
    ['404', raw(404, '404 page not found\n')],
    ['405', raw(405, '')],
    ['UNSUPPORTED', registryError(400, 'UNSUPPORTED', 'The operation is unsupported.')],
  ])('a catalog that is disabled (%s) is REGCTL_UNSUPPORTED', async (_name, handler) => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', handler);
    await expect(listCatalog(remote, s.host)).rejects.toMatchObject({
      code: 'REGCTL_UNSUPPORTED',
      message: expect.stringMatching(new RegExp(`^${s.host.replace(/\./g, '\\.')} does not offer a repository catalog \\(`)),
    });
  });

  it('a refused catalog stays an authorization error', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', registryError(401, 'UNAUTHORIZED', 'authentication required'));
    await expect(listCatalog(remote, s.host)).rejects.toMatchObject({ code: 'REGCTL_UNAUTHORIZED', status: 401 });
  });
});
