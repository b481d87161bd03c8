// catalog, search's catalog fallback and --list-tags, digest, ratelimit and 429 explanations,
// end to end through the CLI against edge servers (the real registry versions of the catalog,
// list-tags and digest cases are in test/integration/discovery.int.test.ts).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { raw, registryError, sendJson, tagPages } from '../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeHandler, type EdgeServer } from '../../helpers/edge-server.js';
import { runCli } from '../../helpers/run-cli.js';

let cfg: string;
let s: EdgeServer;
beforeAll(async () => {
  cfg = await mkdtemp(path.join(tmpdir(), 'regctl-discovery-'));
});
afterAll(async () => {
  await rm(cfg, { recursive: true, force: true });
});
afterEach(async () => {
  await s?.close();
});

const cli = (...args: string[]) => runCli(['--config', cfg, ...args]);

async function edge(): Promise<EdgeServer> {
  s = await startEdgeServer();
  s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  return s;
}

const catalog = (repositories: string[]): EdgeHandler => (_req, res) => sendJson(res, 200, { repositories });
const manifestRequests = () => s.requests.filter((r) => r.url.includes('/manifests/')).map((r) => r.method);

describe('search falls back to the catalog where there is no /v1/search', () => {
  const REPOS = ['other/webapp', 'team/app', 'team/app-db', 'tools/x', 'app'];

  it('matches the term as a substring, exact match first, names with the host, one note on stderr', async () => {
    await edge();
    s.on('GET', '/v2/_catalog', catalog(REPOS));
    const r = await cli('search', '--format', '{{.Name}}|{{.Description}}|{{.StarCount}}|{{.IsOfficial}}', `${s.host}/app`);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([`${s.host}/app||0|`, `${s.host}/other/webapp||0|`, `${s.host}/team/app||0|`, `${s.host}/team/app-db||0|`]);
    expect(r.stderr).toBe(`note: ${s.host} has no search API; results are catalog (/v2/_catalog) names containing "app"\n`);
    // /v1/search was tried first (the edge server answers 404 for it).
    expect(s.requests.map((q) => q.url.split('?')[0])).toEqual(expect.arrayContaining(['/v1/search', '/v2/_catalog']));
  });

  it("uses docker's table for catalog results", async () => {
    await edge();
    s.on('GET', '/v2/_catalog', catalog(['team/app']));
    const r = await cli('search', `${s.host}/team`);
    const w = `${s.host}/team/app`.length + 3;
    expect(r.stdout).toBe(`${'NAME'.padEnd(w)}DESCRIPTION   STARS     OFFICIAL\n${`${s.host}/team/app`.padEnd(w)}${''.padEnd(14)}${'0'.padEnd(10)}\n`);
  });

  it('also falls back when /v1/search answers 200 with something that is not search JSON (a web UI)', async () => {
    await edge();
    s.on('GET', '/v1/search', raw(200, '<html>portal</html>', { 'content-type': 'text/html' }));
    s.on('GET', '/v2/_catalog', catalog(REPOS));
    const r = await cli('search', '--format', '{{.Name}}', `${s.host}/tools`);
    expect(r).toMatchObject({ code: 0, stdout: `${s.host}/tools/x\n` });
  });

  it('HOST/ lists every repository (no default limit), --limit still applies; the catalog is asked directly', async () => {
    await edge();
    const many = Array.from({ length: 30 }, (_, i) => `r/app${String(i).padStart(2, '0')}`);
    s.on('GET', '/v2/_catalog', catalog(many));
    const all = await cli('search', '--format', '{{.Name}}', `${s.host}/`);
    expect(all.stdout.trimEnd().split('\n')).toEqual(many.map((m) => `${s.host}/${m}`));
    expect(all.stderr).toBe(`note: listing every repository of ${s.host} from its catalog (/v2/_catalog)\n`);
    expect(s.requests.some((q) => q.url.startsWith('/v1/search'))).toBe(false);
    const term = await cli('search', '--format', '{{.Name}}', `${s.host}/app`);
    expect(term.stdout.trimEnd().split('\n')).toHaveLength(25);
    const limited = await cli('search', '--format', '{{.Name}}', '--limit', '3', `${s.host}/`);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('a registry without search and without catalog: one clear line and a hint (exit 1)', async () => {
    await edge();
    s.on('GET', '/v2/_catalog', raw(404, '404 page not found\n'));
    const r = await cli('search', `${s.host}/app`);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Error: ${s.host} does not offer a repository catalog (GET /v2/_catalog: 404 Not Found)\nhint: list the tags of a repository you know with: regctl tags ${s.host}/REPOSITORY\n`,
    });
  });

  it('a refused catalog says so and hints at login (exit 3)', async () => {
    await edge();
    s.on('GET', '/v2/_catalog', registryError(401, 'UNAUTHORIZED', 'authentication required'));
    const r = await cli('search', `${s.host}/app`);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `Error: ${s.host}: not allowed to list the repository catalog: unauthorized: authentication required\n` +
        `hint: run 'regctl login ${s.host}' with an account that may list the catalog (token scope registry:catalog:*)\n`,
    );
  });
});

describe('search --list-tags', () => {
  const TAGS = Array.from({ length: 30 }, (_, i) => `v${String(i).padStart(2, '0')}`);

  it("prints podman's NAME TAG table with the full name, the first 25 tags by default", async () => {
    await edge();
    s.on('GET', '/v2/team/app/tags/list', tagPages('team/app', TAGS, 10));
    const r = await cli('search', '--list-tags', `${s.host}/team/app`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const w = `${s.host}/team/app`.length + 3;
    expect(lines[0]).toBe(`${'NAME'.padEnd(w)}TAG`);
    expect(lines.slice(1)).toEqual(TAGS.slice(0, 25).map((t) => `${`${s.host}/team/app`.padEnd(w)}${t}`));
  });

  it('--limit and --format json (one object per line)', async () => {
    await edge();
    s.on('GET', '/v2/team/app/tags/list', tagPages('team/app', TAGS, 10));
    const r = await cli('search', '--list-tags', '--limit', '2', '--format', 'json', `${s.host}/team/app`);
    expect(r.stdout).toBe(`{"Name":"${s.host}/team/app","Tag":"v00"}\n{"Name":"${s.host}/team/app","Tag":"v01"}\n`);
  });

  it('refuses filters, as podman does', async () => {
    const r = await cli('search', '--list-tags', '--filter', 'stars=1', 'localhost:5000/team/app');
    expect(r).toMatchObject({ code: 2, stderr: 'Error: filters are not applicable to list tags result\n' });
  });

  it('an unknown repository exits 4', async () => {
    await edge();
    s.on('GET', '/v2/team/none/tags/list', registryError(404, 'NAME_UNKNOWN', 'repository name not known to registry'));
    const r = await cli('search', '--list-tags', `${s.host}/team/none`);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`Error: repository ${s.host}/team/none not found: name unknown: repository name not known to registry\n`);
  });
});

describe('catalog', () => {
  it('prints one repository per line, --limit caps, --page-size sets n', async () => {
    await edge();
    s.on('GET', '/v2/_catalog', (req, res) => {
      const n = Number(req.url.searchParams.get('n') ?? 100);
      const last = req.url.searchParams.get('last');
      const all = ['a/1', 'a/2', 'b/1', 'c/1', 'c/2'];
      const start = last ? all.indexOf(last) + 1 : 0;
      const page = all.slice(start, start + n);
      sendJson(res, 200, { repositories: page }, start + n < all.length ? { link: `</v2/_catalog?last=${page.at(-1)}&n=${n}>; rel="next"` } : {});
    });
    expect((await cli('catalog', s.host)).stdout).toBe('a/1\na/2\nb/1\nc/1\nc/2\n');
    expect((await cli('catalog', '--limit', '3', s.host)).stdout).toBe('a/1\na/2\nb/1\n');
    const paged = await cli('catalog', '--page-size', '2', s.host);
    expect(paged.stdout).toBe('a/1\na/2\nb/1\nc/1\nc/2\n');
    expect(s.requests.filter((q) => q.url.startsWith('/v2/_catalog?n=2') || q.url.includes('&n=2'))).toHaveLength(3);
  });

  it('refuses Docker Hub (it has no catalog) without a request', async () => {
    const r = await cli('catalog', 'docker.io');
    expect(r).toMatchObject({ code: 1, stderr: 'Error: Docker Hub does not offer a repository catalog (search it with: regctl search TERM)\n' });
  });

  it.each(['0', 'x'])('--limit %s is a usage error', async (n) => {
    const r = await cli('catalog', '--limit', n, 'localhost:5000');
    expect(r.code).toBe(2);
  });
});

describe('digest', () => {
  const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] });
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;

  it('prints the Docker-Content-Digest of a HEAD; no GET', async () => {
    await edge();
    s.on('HEAD', '/v2/team/app/manifests/1.0', (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': Buffer.byteLength(body) }).end();
    });
    const r = await cli('digest', `${s.host}/team/app:1.0`);
    expect(r).toMatchObject({ code: 0, stdout: `${digest}\n`, stderr: '' });
    expect(manifestRequests()).toEqual(['HEAD']);
  });

  it('falls back to GET (and hashes the bytes) when the HEAD has no Docker-Content-Digest', async () => {
    await edge();
    s.on('HEAD', '/v2/team/app/manifests/1.0', (_req, res) => void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end());
    s.on('GET', '/v2/team/app/manifests/1.0', raw(200, body, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }));
    const r = await cli('digest', `${s.host}/team/app:1.0`);
    expect(r).toMatchObject({ code: 0, stdout: `${digest}\n` });
    expect(manifestRequests()).toEqual(['HEAD', 'GET']);
  });

  it('an unknown tag is "no such manifest" with exit 4', async () => {
    await edge();
    s.on('HEAD', '/v2/team/app/manifests/nope', (_req, res) => void res.writeHead(404).end());
    const r = await cli('digest', `${s.host}/team/app:nope`);
    expect(r).toMatchObject({ code: 4, stderr: `Error: no such manifest: ${s.host}/team/app:nope\n` });
  });
});

describe('ratelimit', () => {
  const QUOTA = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600', 'docker-ratelimit-source': '192.0.2.1' };
  const probe = (headers: Record<string, string>): EdgeHandler => (_req, res) => {
    res.writeHead(200, { 'docker-content-digest': `sha256:${'c'.repeat(64)}`, 'content-type': 'application/vnd.oci.image.index.v1+json', ...headers }).end();
  };

  it('prints limit, remaining, window and source from a HEAD (no pull spent)', async () => {
    await edge();
    s.on('HEAD', '/v2/ratelimitpreview/test/manifests/latest', probe(QUOTA));
    const r = await cli('ratelimit', `${s.host}/ratelimitpreview/test`);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [`Registry:  ${s.host}`, 'Limit:     100', 'Remaining: 76', 'Window:    6h (21600s)', 'Source:    192.0.2.1 (anonymous: counted per IP address)', ''].join('\n'),
    );
    expect(manifestRequests()).toEqual(['HEAD']);
  });

  it('--format json', async () => {
    await edge();
    s.on('HEAD', '/v2/ratelimitpreview/test/manifests/latest', probe({ ...QUOTA, 'docker-ratelimit-source': 'a1b2c3d4-account' }));
    const r = await cli('ratelimit', '--format', 'json', `${s.host}/ratelimitpreview/test`);
    expect(JSON.parse(r.stdout)).toEqual({
      registry: s.host,
      reference: `${s.host}/ratelimitpreview/test:latest`,
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
      source: 'a1b2c3d4-account',
    });
  });

  it('says in one line that a registry sends no rate-limit headers', async () => {
    await edge();
    s.on('HEAD', '/v2/team/app/manifests/latest', probe({}));
    const r = await cli('ratelimit', `${s.host}/team/app`);
    expect(r).toMatchObject({ code: 0, stdout: `${s.host} sent no rate-limit headers for ${s.host}/team/app:latest: it reports no pull quota\n` });
  });

  it('exits non-zero when the probe fails', async () => {
    await edge();
    s.on('HEAD', '/v2/ratelimitpreview/test/manifests/latest', (_req, res) => void res.writeHead(404).end());
    const r = await cli('ratelimit', `${s.host}/ratelimitpreview/test`);
    expect(r).toMatchObject({ code: 4, stderr: `Error: no such manifest: ${s.host}/ratelimitpreview/test:latest\n` });
  });
});

describe('429 from a pull', () => {
  const TOO_MANY = 'You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit';
  const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

  it('manifest inspect names the limit, what is left, whom it counts and when it resets (exit 5)', async () => {
    await edge();
    s.on('GET', '/v2/team/app/manifests/latest', registryError(429, 'TOOMANYREQUESTS', TOO_MANY, {
      'retry-after': '3600',
      'ratelimit-limit': '100;w=21600',
      'ratelimit-remaining': '0;w=21600',
      'docker-ratelimit-source': '192.0.2.1',
    }));
    const before = Date.now();
    const r = await cli('manifest', 'inspect', `${s.host}/team/app`);
    expect(r.code).toBe(5);
    const [message, hint] = r.stderr.trimEnd().split('\n');
    expect(message).toBe(`Error: toomanyrequests: ${TOO_MANY}`);
    expect(hint).toMatch(
      new RegExp(`^hint: limit 100 per 6h, 0 remaining, counted against 192\\.0\\.2\\.1 \\(anonymous\\); retry after 3600s \\(at (${ISO})\\), or log in to raise the limit: regctl login ${s.host.replace(/\./g, '\\.')}$`),
    );
    const at = Date.parse(/\(at (\S+)\)/.exec(hint!)![1]!);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 3600_000);
    // A wait of an hour is not slept on: one request, not four.
    expect(manifestRequests()).toEqual(['GET']);
  });

  it('uses ratelimit-reset when there is no Retry-After, and an account source gets no login advice', async () => {
    await edge();
    s.on('GET', '/v2/team/app/manifests/latest', registryError(429, 'TOOMANYREQUESTS', TOO_MANY, {
      'ratelimit-limit': '200;w=21600',
      'ratelimit-remaining': '0;w=21600',
      'ratelimit-reset': '5400',
      'docker-ratelimit-source': 'f5a1c2d3-account',
    }));
    const r = await cli('--store', path.join(cfg, 'store'), 'pull', `${s.host}/team/app`);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      new RegExp(`hint: limit 200 per 6h, 0 remaining, counted against f5a1c2d3-account; retry after 5400s \\(at ${ISO}\\); the quota belongs to the account you are logged in with\\n$`),
    );
  });
});
