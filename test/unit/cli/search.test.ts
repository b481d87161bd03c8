// `regctl search` end to end against a local /v1/search in Docker Hub's response shape
// (a HOST/TERM search goes to HOST's /v1/search; the routing of bare terms to
// index.docker.io is tested in test/unit/store/remote/search-hub-routing.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registryError, sendJson } from '../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../../helpers/edge-server.js';
import { runCli } from '../../helpers/run-cli.js';
import { hubRepo, v1Search } from '../../helpers/v1-search-route.js';

const LONG = 'Bitnami container image for NGINX, a fast, efficient web server';
const WIDE = 'あ'.repeat(30);
const REPOS = [
  hubRepo('nginx', 'Official build of Nginx.', 20000, { official: true }),
  hubRepo('bitnami/nginx', LONG, 200, { automated: true }),
  hubRepo('nginxinc/nginx-unprivileged', 'Unprivileged NGINX\r\nrunning as <non-root> & friends', 150),
  hubRepo('wide/nginx', WIDE, 3),
  hubRepo('zero/nginx', '', 0),
];

let cfg: string;
let s: EdgeServer;
beforeAll(async () => {
  cfg = await mkdtemp(path.join(tmpdir(), 'regctl-search-'));
});
afterAll(async () => {
  await rm(cfg, { recursive: true, force: true });
});
afterEach(async () => {
  await s?.close();
});

async function hub(): Promise<EdgeServer> {
  s = await startEdgeServer();
  s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  s.on('GET', '/v1/search', v1Search(REPOS));
  return s;
}

const search = (...args: string[]) => runCli(['--config', cfg, 'search', ...args]);
const searches = () => s.requests.filter((r) => r.url.startsWith('/v1/search'));

/** One table line the way Go's tabwriter lays it out: cells padded to their column's width. */
const line = (widths: number[], cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join('');

describe('search against a v1 search API', () => {
  it("prints docker's table: NAME DESCRIPTION STARS OFFICIAL, [OK], 45-column descriptions, folded CR/LF", async () => {
    await hub();
    const r = await search(`${s.host}/nginx`);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    // Column width = widest cell (in runes, as Go's tabwriter counts) + 3, at least 10.
    const w = [27 + 3, 45 + 3, 5 + 3 + 2];
    expect(r.stdout.split('\n')).toEqual([
      line(w, ['NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL']),
      line(w, ['nginx', 'Official build of Nginx.', '20000', '[OK]']),
      line(w, ['bitnami/nginx', `${LONG.slice(0, 44)}…`, '200', '']),
      line(w, ['nginxinc/nginx-unprivileged', `${'Unprivileged NGINX  running as <non-root> & friends'.slice(0, 44)}…`, '150', '']),
      // 22 wide characters are 44 columns; the 23rd would pass 44, so it is cut there.
      line(w, ['wide/nginx', `${'あ'.repeat(22)}…`, '3', '']),
      line(w, ['zero/nginx', '', '0', '']),
      '',
    ]);
  });

  it('asks for the term with n=25 and X-Docker-Token: true, as docker does', async () => {
    await hub();
    await search(`${s.host}/nginx`);
    expect(searches()).toHaveLength(1);
    const req = searches()[0]!;
    expect(req.url).toBe('/v1/search?q=nginx&n=25');
    expect(req.headers['x-docker-token']).toBe('true');
  });

  it('--no-trunc keeps whole descriptions (CR/LF still folded to spaces)', async () => {
    await hub();
    const r = await search('--no-trunc', `${s.host}/nginx`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(LONG);
    expect(r.stdout).toContain('Unprivileged NGINX  running as <non-root> & friends');
    expect(r.stdout).toContain(WIDE);
    expect(r.stdout).not.toContain('…');
  });

  it('prints only the header when nothing matches', async () => {
    await hub();
    const r = await search(`${s.host}/nothing-like-this`);
    expect(r).toMatchObject({ code: 0, stdout: 'NAME      DESCRIPTION   STARS     OFFICIAL\n' });
  });

  describe('--format', () => {
    it('json: one object per line, sorted keys, string values, "true"/"false", HTML escaped', async () => {
      await hub();
      const r = await search('--format', 'json', `${s.host}/nginx`);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[0]).toBe('{"Description":"Official build of Nginx.","IsOfficial":"true","Name":"nginx","StarCount":"20000"}');
      expect(lines[2]).toBe(
        '{"Description":"Unprivileged NGINX  running as \\u003cnon-root\\u003e \\u0026 …","IsOfficial":"false","Name":"nginxinc/nginx-unprivileged","StarCount":"150"}',
      );
      expect(JSON.parse(lines[1]!)).toEqual({ Description: `${LONG.slice(0, 44)}…`, IsOfficial: 'false', Name: 'bitnami/nginx', StarCount: '200' });
    });

    it('json with --no-trunc keeps the description whole', async () => {
      await hub();
      const r = await search('--format', 'json', '--no-trunc', `${s.host}/bitnami`);
      expect(JSON.parse(r.stdout)).toMatchObject({ Description: LONG, Name: 'bitnami/nginx' });
    });

    it('a Go template, one line per result', async () => {
      await hub();
      const r = await search('--format', '{{.Name}}: {{.StarCount}} {{.IsOfficial}}', '--limit', '2', `${s.host}/nginx`);
      expect(r).toMatchObject({ code: 0, stdout: 'nginx: 20000 [OK]\nbitnami/nginx: 200 \n' });
    });

    it('table TEMPLATE: docker column titles, aligned', async () => {
      await hub();
      const r = await search('--format', 'table {{.Name}}\\t{{.IsOfficial}}', '--limit', '2', `${s.host}/nginx`);
      expect(r.stdout).toBe([line([16], ['NAME', 'OFFICIAL']), line([16], ['nginx', '[OK]']), line([16], ['bitnami/nginx', '']), ''].join('\n'));
    });

    it('{{json .}} inside a template uses the JSON values', async () => {
      await hub();
      const r = await search('--format', '{{.IsOfficial}}|{{json .IsOfficial}}|{{json .}}', '--limit', '1', `${s.host}/nginx`);
      expect(r.stdout).toBe('[OK]|"[OK]"|{"Description":"Official build of Nginx.","IsOfficial":"true","Name":"nginx","StarCount":"20000"}\n');
    });

    it('a field search results do not have is an error naming the type', async () => {
      await hub();
      const r = await search('--format', '{{.Stars}}', `${s.host}/nginx`);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("can't evaluate field Stars in type *registry.searchContext");
    });
  });

  describe('--limit', () => {
    it.each(['0', '101', '-1'])('%s is outside docker\'s range (exit 2, nothing fetched)', async (limit) => {
      await hub();
      const r = await search('--limit', limit, `${s.host}/nginx`);
      expect(r).toMatchObject({ code: 2, stdout: '', stderr: `Error: limit ${limit} is outside the range of [1, 100]\n` });
      expect(searches()).toHaveLength(0);
    });

    it.each([['1', 1], ['100', 5]])('--limit %s is sent as n', async (limit, rows) => {
      await hub();
      const r = await search('--limit', limit, '--format', '{{.Name}}', `${s.host}/nginx`);
      expect(r.code).toBe(0);
      expect(searches()[0]!.url).toBe(`/v1/search?q=nginx&n=${limit}`);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(rows);
    });

    it('a limit that is not a number is a usage error', async () => {
      const r = await runCli(['--config', cfg, 'search', '--limit', 'ten', 'x.example/nginx']);
      expect(r).toMatchObject({ code: 2, stderr: 'Error: invalid argument "ten" for "--limit" flag: not an integer\n' });
    });
  });

  describe('--filter', () => {
    const names = async (...args: string[]) => {
      const r = await search('--format', '{{.Name}}', ...args, `${s.host}/nginx`);
      expect(r.code).toBe(0);
      return r.stdout.trimEnd().split('\n').filter(Boolean);
    };

    it('stars=N keeps results with at least N stars', async () => {
      await hub();
      expect(await names('--filter', 'stars=150')).toEqual(['nginx', 'bitnami/nginx', 'nginxinc/nginx-unprivileged']);
    });

    it('the highest of several stars= values wins', async () => {
      await hub();
      expect(await names('-f', 'stars=3', '-f', 'stars=200')).toEqual(['nginx', 'bitnami/nginx']);
    });

    it('is-official=true and is-official=false', async () => {
      await hub();
      expect(await names('--filter', 'is-official=true')).toEqual(['nginx']);
      expect(await names('--filter', 'is-official=false')).toEqual(['bitnami/nginx', 'nginxinc/nginx-unprivileged', 'wide/nginx', 'zero/nginx']);
    });

    it('filters combine (all must match)', async () => {
      await hub();
      expect(await names('--filter', 'is-official=false', '--filter', 'stars=100')).toEqual(['bitnami/nginx', 'nginxinc/nginx-unprivileged']);
    });

    it('filters apply to the fetched page, so fewer than --limit results are shown', async () => {
      await hub();
      expect(await names('--limit', '2', '--filter', 'is-official=false')).toEqual(['bitnami/nginx']);
      expect(searches().at(-1)!.url).toBe('/v1/search?q=nginx&n=2');
    });

    it('is-automated=true warns (deprecated) and yields nothing, without a request', async () => {
      await hub();
      const r = await search('--filter', 'is-automated=true', `${s.host}/nginx`);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        'WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.\n',
      );
      expect(r.stdout).toBe('NAME      DESCRIPTION   STARS     OFFICIAL\n');
      expect(searches()).toHaveLength(0);
    });

    it('is-automated=false warns and keeps everything (Hub no longer marks automated builds)', async () => {
      await hub();
      const r = await search('--format', '{{.Name}}', '--filter', 'is-automated=false', `${s.host}/nginx`);
      expect(r.stderr).toContain('WARNING: the "is-automated" filter is deprecated');
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
    });

    it.each([
      ['stars=x', "invalid filter 'stars=x'"],
      ['is-official=maybe', "invalid filter 'is-official=[maybe]'"],
      ['color=red', "invalid filter 'color'"],
      ['stars', 'invalid argument "stars" for "-f, --filter" flag: bad format of filter (expected name=value)'],
    ])('%s -> %s (exit 2, nothing fetched)', async (filter, message) => {
      await hub();
      const r = await search('--filter', filter, `${s.host}/nginx`);
      expect(r).toMatchObject({ code: 2, stdout: '', stderr: `Error: ${message}\n` });
      expect(searches()).toHaveLength(0);
    });
  });

  describe('terms', () => {
    it('rejects a scheme in the term, as docker does', async () => {
      const r = await search('https://registry.example.com/nginx');
      expect(r).toMatchObject({ code: 2, stderr: 'Error: invalid repository name: repository name (https://registry.example.com/nginx) should not have a scheme\n' });
    });

    it('keeps library/ for a registry other than Docker Hub (only Hub drops it)', async () => {
      await hub();
      await search(`${s.host}/library/nginx`);
      expect(searches()[0]!.url).toBe('/v1/search?q=library%2Fnginx&n=25');
    });
  });

  describe('errors', () => {
    it('an unreachable search endpoint is one line (exit 5)', async () => {
      const r = await search('127.0.0.1:1/nginx');
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^Error: search endpoint unreachable: .*127\.0\.0\.1:1.*\nhint: check the host name, the network and any proxy settings/);
      expect(r.stderr.split('\n')).toHaveLength(3);
    });

    it('a failing search API is reported with its status, not mistaken for a missing one', async () => {
      s = await startEdgeServer();
      s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      s.on('GET', '/v1/search', registryError(400, 'UNSUPPORTED', 'bad query'));
      const r = await search(`${s.host}/nginx`);
      expect(r).toMatchObject({ code: 1, stderr: `Error: search on ${s.host} failed: unsupported: bad query\n` });
    });
  });
});
