import { describe, expect, it } from 'vitest';
import { parseRepository } from '../../../../src/reference/parse.js';
import { listTags, nextLink } from '../../../../src/store/remote/tags.js';
import { registryError, sendJson, tagPages } from '../../../helpers/edge-routes.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';

const setup = useOpenEdgeRegistry();

describe('nextLink', () => {
  it.each([
    ['</v2/x/tags/list?last=b&n=2>; rel="next"', '/v2/x/tags/list?last=b&n=2'],
    ['<https://r.example/v2/x/tags/list?last=b>; rel=next', 'https://r.example/v2/x/tags/list?last=b'],
    ['</prev>; rel="prev", </next?a=1,2>; rel="next"', '/next?a=1,2'],
    ['</p>; rel="prev"', undefined],
    [undefined, undefined],
  ])('%s', (header, want) => {
    expect(nextLink(header)).toBe(want);
  });
});

describe('listTags', () => {
  it('follows Link rel="next" across more than three pages', async () => {
    const { s, remote } = await setup();
    const tags = Array.from({ length: 10 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    s.on('GET', '/v2/team/app/tags/list', tagPages('team/app', tags, 3));
    const got = await listTags(remote, parseRepository(`${s.host}/team/app`));
    expect(got).toEqual(tags);
    expect(s.requests.filter((r) => r.url.startsWith('/v2/team/app/tags/list'))).toHaveLength(4);
  });

  it('pages with last= when the registry honours n but sends no Link header', async () => {
    const { s, remote } = await setup();
    const all = ['a', 'b', 'c', 'd', 'e'];
    s.on('GET', '/v2/team/app/tags/list', (req, res) => {
      const n = Number(req.url.searchParams.get('n'));
      const last = req.url.searchParams.get('last');
      const start = last ? all.indexOf(last) + 1 : 0;
      sendJson(res, 200, { tags: all.slice(start, start + n) });
    });
    const got = await listTags(remote, parseRepository(`${s.host}/team/app`), { pageSize: 2 });
    expect(got).toEqual(all);
  });

  it('stops when a registry ignores last= and repeats the same page', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', (_req, res) => sendJson(res, 200, { tags: ['x', 'y'] }));
    expect(await listTags(remote, parseRepository(`${s.host}/team/app`), { pageSize: 2 })).toEqual(['x', 'y']);
    expect(s.requests.filter((r) => r.url.startsWith('/v2/team')).length).toBe(2);
  });

  it('stops when a registry keeps linking to a page with nothing new', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', (_req, res) =>
      sendJson(res, 200, { tags: ['a', 'b'] }, { link: '</v2/team/app/tags/list?last=b&n=2>; rel="next"' }),
    );
    expect(await listTags(remote, parseRepository(`${s.host}/team/app`))).toEqual(['a', 'b']);
    expect(s.requests.filter((r) => r.url.startsWith('/v2/team')).length).toBe(2);
  });

  it('throws NAME_UNKNOWN as a typed not-found error', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/none/tags/list', registryError(404, 'NAME_UNKNOWN', 'repository name not known to registry'));
    await expect(listTags(remote, parseRepository(`${s.host}/team/none`))).rejects.toMatchObject({
      code: 'REGCTL_NOT_FOUND',
      message: 'name unknown: repository name not known to registry',
    });
  });
});
