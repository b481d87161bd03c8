// Proves the test harness itself: every registry mode answers as configured, the
// token server grants and refuses per policy, the seeded images are where the
// provided digests say, TLS needs the CA, and the helper servers behave.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { digestOf, manifest, raw, redirect, sequence, sendJson, tagPages } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../helpers/edge-server.js';
import { buildOciLayout } from '../helpers/oci-builder.js';
import { rawRequest, jwtClaims, type RawResponse } from '../helpers/raw-http.js';
import { startRegistry } from '../helpers/registry-process.js';
import { run } from '../helpers/run-process.js';
import { readTokenLog, tokenLogMark } from '../helpers/token-log.js';
import { startTokenServer } from '../helpers/token-server.js';
import { basicAuth } from '../helpers/users.js';

const available = inject('registriesAvailable');
const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface TokenResponse { token: string; access_token: string; expires_in: number; issued_at: string; refresh_token?: string }
interface Access { type: string; name: string; actions: string[] }

async function getToken(scopes: string[], auth?: string, extra = ''): Promise<RawResponse> {
  const { realm, service } = inject('tokenServer');
  const query = [`service=${service}`, ...scopes.map((s) => `scope=${encodeURIComponent(s)}`)].join('&');
  return rawRequest(`${realm}?${query}${extra}`, { headers: auth ? { authorization: auth } : {} });
}

async function grantedAccess(scopes: string[], auth?: string): Promise<Access[]> {
  const res = await getToken(scopes, auth);
  expect(res.status).toBe(200);
  return jwtClaims<{ access: Access[] }>(res.json<TokenResponse>().token).access;
}

describe.skipIf(!available)('registry harness', () => {
  let ca: string;
  beforeAll(async () => {
    ca = await readFile(inject('caPath'), 'utf8');
  });

  describe('GET /v2/ per mode', () => {
    it('open answers 200 with the API version header', async () => {
      const res = await rawRequest(`${inject('registries').open.url}/v2/`);
      expect(res.status).toBe(200);
      expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
    });

    it('htpasswd challenges with Basic and accepts alice, refuses a wrong password', async () => {
      const url = `${inject('registries').htpasswd.url}/v2/`;
      const anonymous = await rawRequest(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="test-realm"');
      expect((await rawRequest(url, { headers: { authorization: basicAuth('alice') } })).status).toBe(200);
      expect((await rawRequest(url, { headers: { authorization: basicAuth({ username: 'alice', password: 'nope' }) } })).status).toBe(401);
    });

    it('token challenges with Bearer realm and service', async () => {
      const res = await rawRequest(`${inject('registries').token.url}/v2/`);
      expect(res.status).toBe(401);
      const { realm, service } = inject('tokenServer');
      expect(res.headers['www-authenticate']).toBe(`Bearer realm="${realm}",service="${service}"`);
    });

    it('tls answers 200 over https when the test CA is trusted', async () => {
      const { tls } = inject('registries');
      expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await rawRequest(`${tls.url}/v2/`, { ca })).status).toBe(200);
    });

    it('tls fails verification without the CA', async () => {
      await expect(rawRequest(`${inject('registries').tls.url}/v2/`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    });

    it('the certs.d dir holds the CA under the TLS host', async () => {
      const { tls } = inject('registries');
      for (const host of [tls.host, `localhost:${tls.port}`]) {
        expect(await readFile(`${inject('certsDir')}/${host}/ca.crt`, 'utf8')).toBe(ca);
      }
    });
  });

  describe('token server policy', () => {
    it('gives alice everything she asks for, including the catalog', async () => {
      const access = await grantedAccess(['repository:private/x:pull,push', 'registry:catalog:*'], basicAuth('alice'));
      expect(access).toEqual([
        { type: 'repository', name: 'private/x', actions: ['pull', 'push'] },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ]);
    });

    it('gives bob only pull outside bob/ and no catalog', async () => {
      const access = await grantedAccess(['repository:private/x:pull,push', 'repository:bob/x:pull,push', 'registry:catalog:*'], basicAuth('bob'));
      expect(access).toEqual([
        { type: 'repository', name: 'private/x', actions: ['pull'] },
        { type: 'repository', name: 'bob/x', actions: ['pull', 'push'] },
      ]);
    });

    it('gives anonymous pull on public/ only, and never the catalog', async () => {
      const access = await grantedAccess(['repository:public/x:pull,push', 'repository:private/x:pull', 'registry:catalog:*']);
      expect(access).toEqual([{ type: 'repository', name: 'public/x', actions: ['pull'] }]);
    });

    it('answers a wrong password with 401 JSON', async () => {
      const res = await getToken(['repository:demo/hello:pull'], basicAuth({ username: 'bob', password: 'wrong' }));
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    });

    it('issues tokens the registry accepts, and narrower ones it refuses with insufficient_scope', async () => {
      const { token: registry } = inject('registries');
      const alice = (await getToken(['repository:demo/hello:pull'], basicAuth('alice'))).json<TokenResponse>();
      const ok = await rawRequest(`${registry.url}/v2/demo/hello/manifests/v1`, { headers: { authorization: `Bearer ${alice.token}`, accept: ACCEPT } });
      expect(ok.status).toBe(200);

      const bob = (await getToken(['repository:private/x:pull,push'], basicAuth('bob'))).json<TokenResponse>();
      const push = await rawRequest(`${registry.url}/v2/private/x/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${bob.access_token}` } });
      expect(push.status).toBe(401);
      expect(push.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('supports the offline GET flow and the OAuth2 refresh_token and password grants', async () => {
      const { realm, service } = inject('tokenServer');
      const offline = await getToken([], basicAuth('alice'), '&account=alice&client_id=regctl&offline_token=true');
      const refreshToken = offline.json<TokenResponse>().refresh_token;
      expect(refreshToken).toEqual(expect.any(String));

      const post = (form: Record<string, string>) => rawRequest(realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service, client_id: 'regctl', ...form }).toString(),
      });
      const refreshed = await post({ grant_type: 'refresh_token', refresh_token: refreshToken!, scope: 'repository:private/hello:pull registry:catalog:*' });
      expect(refreshed.status).toBe(200);
      const body = refreshed.json<{ access_token: string; scope: string; expires_in: number }>();
      expect(body).toMatchObject({ scope: 'repository:private/hello:pull registry:catalog:*', expires_in: 300 });
      expect(jwtClaims<{ sub: string; access: Access[] }>(body.access_token)).toMatchObject({ sub: 'alice', access: [{ name: 'private/hello' }, { name: 'catalog' }] });

      expect((await post({ grant_type: 'refresh_token', refresh_token: 'not-a-token' })).status).toBe(401);
      const password = await post({ grant_type: 'password', username: 'bob', password: 'bobpw', access_type: 'offline' });
      expect(password.json()).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
      expect((await post({ grant_type: 'password', username: 'bob', password: 'nope' })).status).toBe(401);
    });

    it('records every request in a log other processes can read, without secrets', async () => {
      const { logUrl } = inject('tokenServer');
      const mark = await tokenLogMark(logUrl);
      await getToken(['repository:harness-log/a:pull'], basicAuth('bob'));
      await getToken(['repository:harness-log/a:pull']);
      const entries = (await readTokenLog(logUrl, mark)).filter((e) => e.scopes.includes('repository:harness-log/a:pull'));
      expect(entries.map((e) => [e.method, e.path, e.authorization, e.account, e.status])).toEqual([
        ['GET', '/token', true, 'bob', 200],
        ['GET', '/token', false, undefined, 200],
      ]);
      expect(entries[0]!.query.service).toEqual([inject('tokenServer').service]);
      expect(JSON.stringify(entries)).not.toContain('bobpw');
    });
  });

  describe('seeded images', () => {
    const modes = ['open', 'htpasswd', 'token', 'tls'] as const;
    const authFor = async (mode: (typeof modes)[number], repository: string): Promise<Record<string, string>> => {
      if (mode === 'htpasswd') return { authorization: basicAuth('alice') };
      if (mode === 'token') {
        const token = (await getToken([`repository:${repository}:pull`], basicAuth('alice'))).json<TokenResponse>().token;
        return { authorization: `Bearer ${token}` };
      }
      return {};
    };

    it.each(modes)('%s serves every seeded manifest under the provided digest', async (mode) => {
      const registry = inject('registries')[mode];
      const seeded = Object.values(inject('seeded'));
      expect(seeded.map((s) => `${s.repository}:${s.tag}`).sort()).toEqual(
        ['bob/hello:v1', 'demo/hello:v1', 'demo/multi:v1', 'library/busybox:latest', 'private/hello:v1', 'public/hello:v1']);
      for (const image of seeded) {
        const headers = { accept: ACCEPT, ...(await authFor(mode, image.repository)) };
        const res = await rawRequest(`${registry.url}/v2/${image.repository}/manifests/${image.tag}`, { headers, ca });
        expect(res.status, `${mode} ${image.repository}`).toBe(200);
        expect(res.headers['docker-content-digest']).toBe(image.digest);
        expect(sha256(res.body)).toBe(image.digest);
        expect(res.headers['content-type']).toBe(image.mediaType);
      }
    });

    it('demo/multi is an OCI index of linux/amd64 and linux/arm64/v8 whose children are pushed too', async () => {
      const multi = inject('seeded')['demo/multi:v1']!;
      expect(multi.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(multi.manifests.map((m) => m.platform)).toEqual([
        { os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]);
      const { open } = inject('registries');
      for (const child of multi.manifests) {
        const res = await rawRequest(`${open.url}/v2/demo/multi/manifests/${child.digest}`, { method: 'HEAD', headers: { accept: ACCEPT } });
        expect(res.headers['docker-content-digest']).toBe(child.digest);
      }
    });

    it('distinct repositories hold distinct images', () => {
      const digests = Object.values(inject('seeded')).map((s) => s.digest);
      expect(new Set(digests).size).toBe(digests.length);
    });
  });

  describe('mirror mode', () => {
    let mirror: Awaited<ReturnType<typeof startRegistry>>;
    beforeAll(async () => {
      mirror = await startRegistry({ mode: 'mirror', upstream: { url: inject('registries').open.url } });
    });
    afterAll(() => mirror?.stop());

    it('pulls through from the upstream and refuses pushes', async () => {
      const image = inject('seeded')['demo/hello:v1']!;
      const res = await rawRequest(`${mirror.url}/v2/demo/hello/manifests/v1`, { headers: { accept: ACCEPT } });
      expect(res.headers['docker-content-digest']).toBe(image.digest);
      const push = await rawRequest(`${mirror.url}/v2/demo/other/blobs/uploads/`, { method: 'POST' });
      expect(push.status).toBeGreaterThanOrEqual(400);
    });
  });
});

describe.skipIf(!available)('registry process helper', () => {
  it('stop() kills the registry by PID', async () => {
    const registry = await startRegistry({ mode: 'open' });
    expect(() => process.kill(registry.pid, 0)).not.toThrow();
    await registry.stop();
    expect(() => process.kill(registry.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('fails with the reason when the registry cannot start', async () => {
    await expect(startRegistry({ mode: 'open', binary: '/nonexistent/docker-registry' })).rejects.toThrow(/did not start: spawn .*ENOENT/);
    await expect(startRegistry({ mode: 'tls' })).rejects.toThrow('tls mode needs options.tls');
    await expect(startRegistry({ mode: 'mirror', upstream: { url: 'http://127.0.0.1:1' } })).rejects.toThrow(/does not answer/);
  });

  it('a token server with oauthPost: false answers POST with 404 (the GET fallback case)', async () => {
    const files = inject('files');
    const server = await startTokenServer({ keyPath: files.tokenKeyPath, kid: files.tokenKid, oauthPost: false });
    try {
      const res = await rawRequest(server.realm, { method: 'POST', body: 'grant_type=password&username=alice&password=alicepw' });
      expect(res.status).toBe(404);
      expect((await rawRequest(`${server.realm}?service=test-registry`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('edge server', () => {
  let edge: EdgeServer;
  let other: EdgeServer;
  beforeAll(async () => {
    [edge, other] = await Promise.all([startEdgeServer(), startEdgeServer()]);
  });
  afterAll(() => Promise.all([edge?.close(), other?.close()]));

  it('serves tag pages linked with rel="next" (3 pages of 2)', async () => {
    edge.on('GET', '/v2/paged/repo/tags/list', tagPages('paged/repo', ['v5', 'v1', 'v3', 'v2', 'v4', 'v6'], 2));
    const pages: string[][] = [];
    let next: string | undefined = '/v2/paged/repo/tags/list';
    while (next) {
      const res = await rawRequest(`${edge.url}${next}`);
      pages.push(res.json<{ tags: string[] }>().tags);
      next = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    }
    expect(pages).toEqual([['v1', 'v2'], ['v3', 'v4'], ['v5', 'v6']]);
    expect(edge.requests.filter((r) => r.url.startsWith('/v2/paged/')).map((r) => r.url)).toEqual([
      '/v2/paged/repo/tags/list', '/v2/paged/repo/tags/list?last=v2&n=2', '/v2/paged/repo/tags/list?last=v4&n=2']);
  });

  it('plays a sequence: 503, 429 with Retry-After, then success', async () => {
    edge.on('GET', '/v2/flaky/manifests/v1', sequence(
      raw(503, 'down'),
      raw(429, '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', { 'content-type': 'application/json', 'retry-after': '1' }),
      (_req, res) => sendJson(res, 200, { ok: true }),
    ));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawRequest(`${edge.url}/v2/flaky/manifests/v1`)).status);
    expect(statuses).toEqual([503, 429, 200, 200]);
  });

  it('redirects to another host, which records whether Authorization arrived', async () => {
    other.on('GET', /^\/cdn\/(.+)$/, (req, res) => sendJson(res, 200, { file: req.match?.[1] }));
    edge.on('GET', /^\/v2\/r\/blobs\/(sha256:[a-f0-9]+)$/, (req, res) => redirect(`${other.url}/cdn/${req.match?.[1]}`)(req, res));
    const res = await rawRequest(`${edge.url}/v2/r/blobs/sha256:abc`, { headers: { authorization: 'Bearer secret' } });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(`${other.url}/cdn/sha256:abc`);
    const followed = await rawRequest(res.headers.location!);
    expect(followed.json()).toEqual({ file: 'sha256:abc' });
    expect(other.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('can lie about a digest, answers HEAD from GET routes, 404s unknown routes, lets later routes win', async () => {
    const body = '{"schemaVersion":2}';
    edge.on('GET', '/v2/liar/manifests/v1', manifest(body, 'application/vnd.oci.image.manifest.v1+json', digestOf('something else')));
    const lie = await rawRequest(`${edge.url}/v2/liar/manifests/v1`);
    expect(lie.headers['docker-content-digest']).not.toBe(digestOf(lie.body));
    const head = await rawRequest(`${edge.url}/v2/liar/manifests/v1`, { method: 'HEAD' });
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([200, 0, String(body.length)]);
    expect((await rawRequest(`${edge.url}/nothing-here`)).json()).toMatchObject({ errors: [{ code: 'NOT_FOUND' }] });
    edge.on('GET', '/v2/liar/manifests/v1', raw(500, 'overridden'));
    expect((await rawRequest(`${edge.url}/v2/liar/manifests/v1`)).text()).toBe('overridden');
  });

  it.skipIf(!available)('serves HTTPS and reports the client certificate', async () => {
    const files = inject('files');
    const [cert, key, ca, clientCert, clientKey] = await Promise.all(
      [files.serverCertPath, files.serverKeyPath, files.caCertPath, files.clientCertPath, files.clientKeyPath].map((f) => readFile(f, 'utf8')));
    const secure = await startEdgeServer({ tls: { cert, key, ca, requestClientCert: true } });
    try {
      secure.on('GET', '/v2/', (req, res) => sendJson(res, 200, { cn: req.clientCertCN ?? null }));
      expect((await rawRequest(`${secure.url}/v2/`, { ca })).json()).toEqual({ cn: null });
      expect((await rawRequest(`${secure.url}/v2/`, { ca, cert: clientCert, key: clientKey })).json()).toEqual({ cn: 'regctl-test-client' });
    } finally {
      await secure.close();
    }
  });
});

describe('OCI layout builder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'oci-builder-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is deterministic, and the salt changes the digests', async () => {
    const a = await buildOciLayout(path.join(dir, 'a'), { tag: 'v1', salt: 's' });
    const b = await buildOciLayout(path.join(dir, 'b'), { tag: 'v1', salt: 's' });
    const c = await buildOciLayout(path.join(dir, 'c'), { tag: 'v1', salt: 't' });
    expect(b).toEqual({ ...a, layoutDir: b.layoutDir });
    expect(c.digest).not.toBe(a.digest);
  });

  it('writes a real gzip\'d ustar layer whose diff_id is in the config', async () => {
    const image = await buildOciLayout(path.join(dir, 'tar'), { tag: 'v1' });
    const [m] = image.manifests;
    const blob = (digest: string) => readFile(path.join(image.layoutDir, 'blobs', 'sha256', digest.slice(7)));
    const layer = await blob(m!.layers[0]!.digest);
    expect(digestOf(layer)).toBe(m!.layers[0]!.digest);
    const tar = gunzipSync(layer);
    expect(digestOf(tar)).toBe(m!.layers[0]!.diffId);
    const config = JSON.parse((await blob(m!.config.digest)).toString('utf8')) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids).toEqual([m!.layers[0]!.diffId]);
    const listing = await run('tar', ['-tvzf', path.join(image.layoutDir, 'blobs', 'sha256', m!.layers[0]!.digest.slice(7))]);
    expect(listing.stdout).toMatch(/^drwxr-xr-x root\/root +0 2024-01-01 \d\d:\d\d etc\/$/m);
    expect(listing.stdout).toMatch(/^-rwxr-xr-x root\/root +\d+ .* hello\.sh$/m);
    expect((await run('tar', ['-xzOf', path.join(image.layoutDir, 'blobs', 'sha256', m!.layers[0]!.digest.slice(7)), 'etc/hello.txt'])).stdout)
      .toContain('linux/amd64');
  });

  it('keeps several tags in one index.json, replacing a rebuilt tag', async () => {
    const layout = path.join(dir, 'tags');
    await buildOciLayout(layout, { tag: 'v1' });
    await buildOciLayout(layout, { tag: 'v2', multiPlatform: true });
    const v1 = await buildOciLayout(layout, { tag: 'v1', salt: 'again' });
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name'])).toEqual(['v2', 'v1']);
    expect(index.manifests[1]!.digest).toBe(v1.digest);
    expect(JSON.parse(await readFile(path.join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  });
});

describe('static fixtures', () => {
  const fixture = async <T>(name: string) => JSON.parse(await readFile(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as T;

  it('registry-errors.json: every "errors" entry is what its body parses to', async () => {
    const { cases } = await fixture<{ cases: { name: string; status: number; body: string; errors: unknown[] | null }[] }>('registry-errors.json');
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    for (const c of cases.filter((x) => x.errors !== null)) {
      expect((JSON.parse(c.body) as { errors: unknown }).errors, c.name).toEqual(c.errors);
    }
  });

  it('www-authenticate.json: cases are named uniquely and expect at least one challenge each', async () => {
    const { cases } = await fixture<{ cases: { name: string; headers: string[]; challenges: { scheme: string }[] }[] }>('www-authenticate.json');
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    for (const c of cases) {
      expect(c.headers.length, c.name).toBeGreaterThan(0);
      expect(c.challenges.every((ch) => ch.scheme === ch.scheme.toLowerCase()), c.name).toBe(true);
    }
  });

  it('htpasswd holds cost-4 bcrypt entries for alice and bob', async () => {
    const lines = (await readFile(new URL('../../fixtures/htpasswd', import.meta.url), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['alice', 'bob']);
    expect(lines.every((l) => /^\w+:\$2[aby]\$04\$/.test(l))).toBe(true);
  });
});
