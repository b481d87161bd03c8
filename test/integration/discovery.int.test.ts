// search's catalog fallback, catalog, search --list-tags and digest against the real registry
// (distribution 2.8, which has no /v1/search and pages _catalog with n= and Link headers).
// Token mode: alice may list the catalog (registry:catalog:*), bob may not.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { search } from '../../src/ops/search.js';
import { parseSearchTerm } from '../../src/reference/search-term.js';
import { RemoteRegistry } from '../../src/store/remote/remote-registry.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { runCli } from '../helpers/run-cli.js';
import { USERS, type TestUserName } from '../helpers/users.js';

const available = inject('registriesAvailable');
const SEEDED_REPOS = ['bob/hello', 'demo/hello', 'demo/multi', 'library/busybox', 'private/hello', 'public/hello'];

let tmp: string;
let tokenProxy: CountingProxy;
let openProxy: CountingProxy;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-discovery-int-'));
  if (!available) return;
  tokenProxy = await startCountingProxy(inject('registries').token.url);
  openProxy = await startCountingProxy(inject('registries').open.url);
});
afterAll(async () => {
  await tokenProxy?.close();
  await openProxy?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function configFor(host: string, user?: TestUserName): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, 'cfg-'));
  const auths = user ? { [host]: { auth: Buffer.from(`${USERS[user].username}:${USERS[user].password}`).toString('base64') } } : {};
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

const catalogPages = (proxy: CountingProxy, since: number) => proxy.requests.slice(since).filter((r) => r.url.startsWith('/v2/_catalog') && r.status === 200);

describe.skipIf(!available)('discovery against the real registry', () => {
  describe('token registry, catalog allowed (alice)', () => {
    it('catalog follows the registry\'s pages (n=2: more repositories than one page)', async () => {
      const since = tokenProxy.requests.length;
      const r = await runCli(['--config', await configFor(tokenProxy.host, 'alice'), 'catalog', '--page-size', '2', tokenProxy.host]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout.trimEnd().split('\n')).toEqual(expect.arrayContaining(SEEDED_REPOS));
      const pages = catalogPages(tokenProxy, since);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages[0]!.url).toBe('/v2/_catalog?n=2');
      // distribution's Link header carries last= and n=.
      expect(pages[1]!.url).toMatch(/^\/v2\/_catalog\?last=[^&]+&n=2$/);
    });

    it('search without /v1/search falls back to the catalog, with a note on stderr', async () => {
      const r = await runCli(['--config', await configFor(tokenProxy.host, 'alice'), 'search', '--format', '{{.Name}}', `${tokenProxy.host}/hello`]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`note: ${tokenProxy.host} has no search API; results are catalog (/v2/_catalog) names containing "hello"\n`);
      const names = r.stdout.trimEnd().split('\n');
      expect(names).toEqual(expect.arrayContaining(['bob/hello', 'demo/hello', 'private/hello', 'public/hello'].map((n) => `${tokenProxy.host}/${n}`)));
      expect(names.every((n) => n.includes('hello'))).toBe(true);
    });

    it('the fallback matches across every catalog page', async () => {
      const since = tokenProxy.requests.length;
      const remote = new RemoteRegistry({ credentials: async () => USERS.alice });
      try {
        const outcome = await search(remote, parseSearchTerm(`${tokenProxy.host}/demo`), { catalogPageSize: 2 });
        expect(outcome.source).toBe('catalog');
        expect(outcome.results.map((x) => x.name)).toEqual(expect.arrayContaining([`${tokenProxy.host}/demo/hello`, `${tokenProxy.host}/demo/multi`]));
      } finally {
        await remote.close();
      }
      expect(catalogPages(tokenProxy, since).length).toBeGreaterThanOrEqual(3);
    });

    it('HOST/ lists every repository', async () => {
      const r = await runCli(['--config', await configFor(tokenProxy.host, 'alice'), 'search', '--format', '{{.Name}}', `${tokenProxy.host}/`]);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(expect.arrayContaining(SEEDED_REPOS.map((n) => `${tokenProxy.host}/${n}`)));
    });
  });

  describe('token registry, catalog not allowed', () => {
    it.each([['bob' as const], [undefined]])('%s: one clear line and a login hint (exit 3)', async (user) => {
      const r = await runCli(['--config', await configFor(tokenProxy.host, user), 'search', `${tokenProxy.host}/hello`]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      const [message, hint, rest] = r.stderr.split('\n');
      expect(message).toMatch(new RegExp(`^Error: ${tokenProxy.host.replace(/\./g, '\\.')}: not allowed to list the repository catalog: unauthorized: `));
      expect(hint).toBe(`hint: run 'regctl login ${tokenProxy.host}' with an account that may list the catalog (token scope registry:catalog:*)`);
      expect(rest).toBe('');
    });

    it('regctl catalog says the same', async () => {
      const r = await runCli(['--config', await configFor(tokenProxy.host, 'bob'), 'catalog', tokenProxy.host]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('not allowed to list the repository catalog');
    });
  });

  describe('search --list-tags', () => {
    it('lists the tags of a repository anonymous users may pull', async () => {
      const host = inject('registries').token.host;
      const r = await runCli(['--config', await configFor(host), 'search', '--list-tags', `${host}/public/hello`]);
      expect(r.code).toBe(0);
      const w = `${host}/public/hello`.length + 3;
      expect(r.stdout).toBe(`${'NAME'.padEnd(w)}TAG\n${`${host}/public/hello`.padEnd(w)}v1\n`);
    });

    it('a repository the user may not pull is refused with the login hint', async () => {
      const host = inject('registries').token.host;
      const r = await runCli(['--config', await configFor(host), 'search', '--list-tags', `${host}/private/hello`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`hint: run 'regctl login ${host}' if the repository is private`);
    });
  });

  describe('digest', () => {
    it.each([['demo/hello:v1'], ['demo/multi:v1']])('%s: the seeded digest from HEAD requests only (zero manifest GETs)', async (image) => {
      const since = openProxy.requests.length;
      const r = await runCli(['--config', await configFor(openProxy.host), 'digest', `${openProxy.host}/${image}`]);
      expect(r).toMatchObject({ code: 0, stdout: `${inject('seeded')[image]!.digest}\n`, stderr: '' });
      const manifestCalls = openProxy.requests.slice(since).filter((q) => q.url.includes('/manifests/'));
      expect(manifestCalls.map((q) => q.method)).toEqual(['HEAD']);
    });

    it('works with a token (anonymous pull scope) on the token registry', async () => {
      const host = inject('registries').token.host;
      const r = await runCli(['--config', await configFor(host), 'digest', `${host}/public/hello:v1`]);
      expect(r).toMatchObject({ code: 0, stdout: `${inject('seeded')['public/hello:v1']!.digest}\n` });
    });
  });
});
