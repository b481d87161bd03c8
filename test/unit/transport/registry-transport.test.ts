import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpClient } from '../../../src/transport/http.js';
import { NodeHttpClient } from '../../../src/transport/node-http-client.js';
import { UndiciHttpClient } from '../../../src/transport/undici-http-client.js';
import { RegistryTransport, expectStatus, type RegistryTransportOptions } from '../../../src/transport/registry-transport.js';
import type { Credential } from '../../../src/transport/token.js';
import { startEdgeServer, type EdgeServer } from '../../helpers/edge-server.js';
import { bearerChallenge, raw, redirect, registryError, sendJson, sequence } from '../../helpers/edge-routes.js';

const servers: EdgeServer[] = [];
const clients: HttpClient[] = [];
// Both HTTP stacks behind the seam must behave the same to the transport.
const STACKS = { node: () => new NodeHttpClient(), undici: () => new UndiciHttpClient() };
let stack: keyof typeof STACKS = 'node';
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function edge(): Promise<EdgeServer> {
  const s = await startEdgeServer();
  servers.push(s);
  return s;
}

function transport(server: EdgeServer, opts: Partial<RegistryTransportOptions> & { cred?: Credential } = {}): RegistryTransport {
  const http = STACKS[stack]();
  clients.push(http);
  return new RegistryTransport(server.host, {
    http,
    apiHost: server.host,
    allowHttp: true,
    insecure: false,
    userAgent: 'regctl-test',
    ...(opts.cred ? { credential: async () => opts.cred } : {}),
    ...opts,
  });
}

/** A registry that wants Bearer tokens from its own /token endpoint and checks them. */
function bearerRegistry(s: EdgeServer, opts: { grant?: (scope: string[]) => string; expiresIn?: number } = {}) {
  const tokens = new Map<string, string[]>();
  let n = 0;
  s.on('GET', '/token', (req, res) => {
    const scopes = req.url.searchParams.getAll('scope');
    const token = `tok-${++n}`;
    tokens.set(token, scopes);
    sendJson(res, 200, { token, expires_in: opts.expiresIn ?? 300 });
  });
  s.on('GET', '/v2/', (req, res) => {
    if (!req.headers.authorization) return bearerChallenge(`${s.url}/token`, 'edge')(req, res);
    sendJson(res, 200, {});
  });
  return { tokens };
}

describe.each(Object.keys(STACKS) as (keyof typeof STACKS)[])('%s stack', (name) => {
  beforeEach(() => {
    stack = name;
  });

  describe('RegistryTransport: bearer flow', () => {
    it('pings, fetches an anonymous token for the scope, retries the request with it, and caches the token', async () => {
      const s = await edge();
      const { tokens } = bearerRegistry(s);
      s.on('GET', '/v2/demo/app/tags/list', (req, res) => {
        const tok = (req.headers.authorization ?? '').replace('Bearer ', '');
        if (!tokens.get(tok)?.includes('repository:demo/app:pull')) {
          return bearerChallenge(`${s.url}/token`, 'edge', 'repository:demo/app:pull')(req, res);
        }
        sendJson(res, 200, { name: 'demo/app', tags: ['v1'] });
      });
      const t = transport(s);
      for (let i = 0; i < 2; i++) {
        const res = await t.request({ method: 'GET', path: '/v2/demo/app/tags/list', scopes: ['repository:demo/app:pull'] });
        expect(res.status).toBe(200);
        await res.dump();
      }
      const tokenRequests = s.requests.filter((r) => r.url.startsWith('/token'));
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]!.url).toContain('service=edge');
      expect(tokenRequests[0]!.url).toContain('scope=repository%3Ademo%2Fapp%3Apull');
      expect(tokenRequests[0]!.headers.authorization).toBeUndefined();
      expect(s.requests.filter((r) => r.url === '/v2/')).toHaveLength(1);
    });

    it('sends Basic credentials to the token endpoint and never an empty scope=', async () => {
      const s = await edge();
      bearerRegistry(s);
      const t = transport(s, { cred: { username: 'alice', password: 'p:w' } });
      const res = await t.request({ method: 'GET', path: '/v2/', scopes: [] });
      expect(res.status).toBe(200);
      await res.dump();
      const tokenReq = s.requests.find((r) => r.url.startsWith('/token'))!;
      expect(tokenReq.headers.authorization).toBe('Basic ' + Buffer.from('alice:p:w').toString('base64'));
      expect(tokenReq.url).not.toContain('scope=');
    });

    it('re-negotiates once with the wider scope on insufficient_scope', async () => {
      const s = await edge();
      const { tokens } = bearerRegistry(s);
      s.on('POST', '/v2/demo/app/blobs/uploads/', (req, res) => {
        const tok = (req.headers.authorization ?? '').replace('Bearer ', '');
        const granted = tokens.get(tok) ?? [];
        if (!granted.includes('repository:demo/app:pull,push')) {
          return bearerChallenge(`${s.url}/token`, 'edge', 'repository:demo/app:pull,push', 'insufficient_scope')(req, res);
        }
        res.writeHead(202, { location: '/v2/demo/app/blobs/uploads/u1' }).end();
      });
      const t = transport(s);
      const res = await t.request({ method: 'POST', path: '/v2/demo/app/blobs/uploads/', scopes: ['repository:demo/app:pull'] });
      expect(res.status).toBe(202);
      const scopes = s.requests.filter((r) => r.url.startsWith('/token')).map((r) => new URL(r.url, s.url).searchParams.getAll('scope'));
      expect(scopes).toEqual([['repository:demo/app:pull'], ['repository:demo/app:pull,push']]);
    });

    it('gives up after one re-negotiation when the registry keeps refusing', async () => {
      const s = await edge();
      bearerRegistry(s);
      s.on('GET', '/v2/private/x/manifests/latest', bearerChallenge(`${s.url}/token`, 'edge', 'repository:private/x:pull', 'insufficient_scope'));
      const t = transport(s);
      const res = await t.request({ method: 'GET', path: '/v2/private/x/manifests/latest', scopes: ['repository:private/x:pull'] });
      await expect(expectStatus(res, 'GET', 200)).rejects.toMatchObject({ code: 'REGCTL_UNAUTHORIZED', status: 401 });
      expect(s.requests.filter((r) => r.url.startsWith('/v2/private')).length).toBe(2);
    });

    it('uses the OAuth2 refresh_token grant for an identity token and falls back to GET when POST is 404', async () => {
      const s = await edge();
      bearerRegistry(s);
      s.on('POST', '/token', raw(404, 'not found'));
      const t = transport(s, { cred: { username: 'alice', password: 'pw', identityToken: 'refresh-abc' } });
      const res = await t.request({ method: 'GET', path: '/v2/', scopes: [] });
      expect(res.status).toBe(200);
      await res.dump();
      const post = s.requests.find((r) => r.method === 'POST' && r.url === '/token')!;
      const form = new URLSearchParams(post.body.toString());
      expect(form.get('grant_type')).toBe('refresh_token');
      expect(form.get('refresh_token')).toBe('refresh-abc');
      expect(form.get('service')).toBe('edge');
      expect(s.requests.some((r) => r.method === 'GET' && r.url.startsWith('/token'))).toBe(true);
    });

    it('accepts access_token instead of token', async () => {
      const s = await edge();
      s.on('GET', '/token', (_req, res) => sendJson(res, 200, { access_token: 'only-access' }));
      s.on('GET', '/v2/', (req, res) =>
        req.headers.authorization === 'Bearer only-access' ? sendJson(res, 200, {}) : bearerChallenge(`${s.url}/token`, 'edge')(req, res),
      );
      const res = await transport(s).request({ method: 'GET', path: '/v2/', scopes: [] });
      expect(res.status).toBe(200);
      await res.dump();
    });

    it('reports a wrong password from the token server as unauthorized without echoing it', async () => {
      const s = await edge();
      bearerRegistry(s);
      s.on('GET', '/token', registryError(401, 'UNAUTHORIZED', 'bad credentials'));
      const t = transport(s, { cred: { username: 'alice', password: 'hunter2-secret' } });
      const err = (await t.request({ method: 'GET', path: '/v2/', scopes: [] }).then(
        () => new Error('expected a failure'),
        (e: unknown) => e,
      )) as Error & { code: string };
      expect(err.code).toBe('REGCTL_UNAUTHORIZED');
      expect(err.message).toContain('bad credentials');
      expect(JSON.stringify({ m: err.message, s: err.stack })).not.toContain('hunter2-secret');
    });
  });

  describe('RegistryTransport: basic auth, redirects, retries', () => {
    it('answers a Basic challenge with the stored credentials', async () => {
      const s = await edge();
      s.on('GET', '/v2/', (req, res) =>
        req.headers.authorization === 'Basic ' + Buffer.from('bob:bobpw').toString('base64')
          ? sendJson(res, 200, {})
          : registryError(401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="r"' })(req, res),
      );
      const res = await transport(s, { cred: { username: 'bob', password: 'bobpw' } }).request({ method: 'GET', path: '/v2/', scopes: [] });
      expect(res.status).toBe(200);
      await res.dump();
    });

    it('follows a blob redirect to another host without sending the Authorization header there', async () => {
      const s = await edge();
      const cdn = await edge();
      s.on('GET', '/v2/', (req, res) =>
        req.headers.authorization ? sendJson(res, 200, {}) : registryError(401, 'UNAUTHORIZED', 'x', { 'www-authenticate': 'Basic realm="r"' })(req, res),
      );
      s.on('GET', '/v2/demo/app/blobs/sha256:abc', redirect(`${cdn.url}/blob-data?X-Amz-Signature=s3cr3t`));
      cdn.on('GET', '/blob-data', raw(200, 'BLOB'));
      const res = await transport(s, { cred: { username: 'u', password: 'p' } }).request({
        method: 'GET',
        path: '/v2/demo/app/blobs/sha256:abc',
        scopes: ['repository:demo/app:pull'],
      });
      expect((await res.bytes()).toString()).toBe('BLOB');
      expect(s.requests.find((r) => r.url.startsWith('/v2/demo'))!.headers.authorization).toMatch(/^Basic /);
      expect(cdn.requests[0]!.headers.authorization).toBeUndefined();
    });

    it('stops a redirect loop with a clear error', async () => {
      const s = await edge();
      s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      s.on('GET', '/a', redirect('/b'));
      s.on('GET', '/b', redirect('/a'));
      await expect(transport(s).request({ method: 'GET', path: '/a', scopes: [] })).rejects.toMatchObject({
        code: 'REGCTL_REGISTRY',
        message: expect.stringContaining('too many redirects'),
      });
    });

    it('retries 503 and 429 (honouring Retry-After) and then succeeds', async () => {
      const s = await edge();
      s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      s.on(
        'GET',
        '/v2/demo/app/tags/list',
        sequence(raw(503, 'busy'), registryError(429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '0' }), (_req, res) =>
          sendJson(res, 200, { tags: ['a'] }),
        ),
      );
      const retries: string[] = [];
      const t = transport(s, { onRetry: (info) => retries.push(info.reason) });
      const res = await t.request({ method: 'GET', path: '/v2/demo/app/tags/list', scopes: [] });
      expect(res.status).toBe(200);
      await res.dump();
      expect(retries).toHaveLength(2);
    });

    it('never retries 404 and maps MANIFEST_UNKNOWN to a typed not-found error', async () => {
      const s = await edge();
      s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      s.on('GET', '/v2/demo/app/manifests/nope', registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown'));
      const res = await transport(s).request({ method: 'GET', path: '/v2/demo/app/manifests/nope', scopes: [] });
      await expect(expectStatus(res, 'GET', 200)).rejects.toMatchObject({
        code: 'REGCTL_NOT_FOUND',
        status: 404,
        message: 'manifest unknown: manifest unknown',
      });
      expect(s.requests.filter((r) => r.url.includes('nope'))).toHaveLength(1);
    });

    it('refuses plain HTTP for a non-loopback registry that is not marked insecure', async () => {
      const s = await edge();
      s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      const t = transport(s, { allowHttp: false });
      await expect(t.request({ method: 'GET', path: '/v2/', scopes: [] })).rejects.toMatchObject({
        code: 'REGCTL_TLS',
        message: expect.stringContaining('server gave HTTP response to HTTPS client'),
      });
    });
  });
});
