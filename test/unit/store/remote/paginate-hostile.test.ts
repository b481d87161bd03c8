// Hostile paging: a registry that never ends its list (new names on every page), one that links
// to a page that is no HTTP URL, and one that links to another host. Each must end in one clear
// error that blames the registry, through the library and through the CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRepository } from '../../../../src/reference/parse.js';
import { listCatalog } from '../../../../src/store/remote/catalog.js';
import { listTags } from '../../../../src/store/remote/tags.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';
import { sendJson } from '../../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeHandler, type EdgeServer } from '../../../helpers/edge-server.js';
import { runCli } from '../../../helpers/run-cli.js';

const setup = useOpenEdgeRegistry();

/** Pages of `perPage` names never seen before, each linking to one more page, for ever. */
function endlessPages(field: 'tags' | 'repositories', perPage: number, width = 0): EdgeHandler {
  return (req, res) => {
    const page = Number(req.url.searchParams.get('page') ?? 0);
    const names = Array.from({ length: perPage }, (_, i) => `n${page}-${i}`.padEnd(width, 'x'));
    sendJson(res, 200, { [field]: names }, { link: `<${req.url.pathname}?page=${page + 1}>; rel="next"` });
  };
}

const tagRequests = (s: EdgeServer) => s.requests.filter((r) => r.url.startsWith('/v2/team/app/tags/list')).length;

describe('a registry that never ends its tag list', () => {
  it('is stopped at 500,000 names by default, with one error naming the bound', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', endlessPages('tags', 50_000));
    await expect(listTags(remote, parseRepository(`${s.host}/team/app`))).rejects.toMatchObject({
      code: 'REGCTL_TOO_LARGE',
      message: `tag list of ${s.host}/team/app: the registry kept sending pages past 500000 names; stopped there`,
    });
    expect(tagRequests(s)).toBe(11);
  });

  it('is stopped at the page bound', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', endlessPages('tags', 1));
    await expect(listTags(remote, parseRepository(`${s.host}/team/app`), { pageBounds: { maxPages: 30 } })).rejects.toMatchObject({
      code: 'REGCTL_TOO_LARGE',
      message: `tag list of ${s.host}/team/app: the registry kept sending pages past 30 pages; stopped there`,
    });
    expect(tagRequests(s)).toBe(30);
  });

  it('is stopped at the byte bound, counted over all pages', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', endlessPages('tags', 100, 100)); // ~10 KB a page
    await expect(listTags(remote, parseRepository(`${s.host}/team/app`), { pageBounds: { maxBytes: 1024 * 1024 } })).rejects.toMatchObject({
      code: 'REGCTL_TOO_LARGE',
      message: `tag list of ${s.host}/team/app: the registry kept sending pages past 1 MiB; stopped there`,
    });
    expect(tagRequests(s)).toBeGreaterThan(90);
    expect(tagRequests(s)).toBeLessThan(110);
  });

  it('a catalog that never ends is stopped the same way', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', endlessPages('repositories', 10));
    await expect(listCatalog(remote, s.host, { pageBounds: { maxNames: 95 } })).rejects.toMatchObject({
      code: 'REGCTL_TOO_LARGE',
      message: `the catalog of ${s.host}: the registry kept sending pages past 95 names; stopped there`,
    });
  });

  it('a catalog --limit below the bound still ends quietly', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/_catalog', endlessPages('repositories', 10));
    expect(await listCatalog(remote, s.host, { limit: 95, pageBounds: { maxNames: 95 } })).toHaveLength(95);
  });
});

describe('next-page links', () => {
  it.each([
    ['file:///etc/passwd', 'that is not http(s)'],
    ['gopher://127.0.0.1/x', 'that is not http(s)'],
    ['http://[::1', 'that is not a URL'],
  ])('%s is refused as the registry’s fault', async (link, why) => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', (_req, res) => sendJson(res, 200, { tags: ['a'] }, { link: `<${link}>; rel="next"` }));
    await expect(listTags(remote, parseRepository(`${s.host}/team/app`))).rejects.toMatchObject({
      code: 'REGCTL_REGISTRY',
      message: `tag list of ${s.host}/team/app: the registry sent a next-page link ${why}: ${link}`,
    });
  });

  it('an absolute link to the same origin is followed', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/team/app/tags/list', (req, res) =>
      req.url.searchParams.get('last')
        ? sendJson(res, 200, { tags: ['b'] })
        : sendJson(res, 200, { tags: ['a'] }, { link: `<http://${s.host}/v2/team/app/tags/list?last=a>; rel="next"` }),
    );
    expect(await listTags(remote, parseRepository(`${s.host}/team/app`))).toEqual(['a', 'b']);
  });

  it('a link to another origin is not followed: that host gets no request', async () => {
    const { s, remote } = await setup();
    const other = await startEdgeServer();
    try {
      other.on('GET', '/v2/team/app/tags/list', (_req, res) => sendJson(res, 200, { tags: ['planted'] }));
      s.on('GET', '/v2/team/app/tags/list', (_req, res) =>
        sendJson(res, 200, { tags: ['a'] }, { link: `<${other.url}/v2/team/app/tags/list?last=a>; rel="next"` }),
      );
      await expect(listTags(remote, parseRepository(`${s.host}/team/app`))).rejects.toMatchObject({
        code: 'REGCTL_REGISTRY',
        message: `tag list of ${s.host}/team/app: the registry sent a next-page link to another origin than http://${s.host} (not followed): ${other.url}/v2/team/app/tags/list?last=a`,
      });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe('through the CLI', () => {
  let cfg: string;
  let s: EdgeServer;
  beforeAll(async () => {
    cfg = await mkdtemp(path.join(tmpdir(), 'regctl-paging-'));
    s = await startEdgeServer();
    s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  });
  afterAll(async () => {
    await s?.close();
    await rm(cfg, { recursive: true, force: true });
  });

  it('a file: link is one Error line blaming the registry, exit 1, not an internal error', async () => {
    s.on('GET', '/v2/team/file/tags/list', (_req, res) => sendJson(res, 200, { tags: ['a'] }, { link: '<file:///etc/passwd>; rel="next"' }));
    const r = await runCli(['--config', cfg, 'tags', `${s.host}/team/file`]);
    expect(r.stderr).toBe(`Error: tag list of ${s.host}/team/file: the registry sent a next-page link that is not http(s): file:///etc/passwd\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('a link to another origin is one Error line, exit 1', async () => {
    s.on('GET', '/v2/team/away/tags/list', (_req, res) => sendJson(res, 200, { tags: ['a'] }, { link: '<http://127.0.0.2:1/v2/team/away/tags/list?last=a>; rel="next"' }));
    const r = await runCli(['--config', cfg, 'tags', `${s.host}/team/away`]);
    expect(r.stderr).toBe(
      `Error: tag list of ${s.host}/team/away: the registry sent a next-page link to another origin than http://${s.host} (not followed): http://127.0.0.2:1/v2/team/away/tags/list?last=a\n`,
    );
    expect(r.code).toBe(1);
  });
});
