// A plain-HTTP registry (loopback here) whose Bearer challenge sends the client to a plain-HTTP
// token realm on another host: the password would cross the network unencrypted to a host
// nobody marked insecure. The realm's host name (auth.example) is routed to a local token
// server by a wrapping HTTP client, so that the test sees whatever would have been sent there.
import { afterEach, describe, expect, it } from 'vitest';
import { parseReference } from '../../../src/reference/parse.js';
import { getManifest } from '../../../src/store/remote/manifest.js';
import { RemoteRegistry } from '../../../src/store/remote/remote-registry.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../src/transport/http.js';
import { NodeHttpClient } from '../../../src/transport/node-http-client.js';
import { FAKE_MANIFEST } from '../../helpers/fake-auth-registry.js';
import { bearerChallenge, sendJson } from '../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../../helpers/edge-server.js';

/** Sends requests for `name` to 127.0.0.1 (same port) and logs them; everything else as is. */
class RoutingClient implements HttpClient {
  readonly routed: HttpRequest[] = [];
  private readonly inner = new NodeHttpClient();
  constructor(private readonly name: string) {}
  send(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    if (url.hostname !== this.name) return this.inner.send(req);
    this.routed.push(req);
    url.hostname = '127.0.0.1';
    return this.inner.send({ ...req, url: url.toString() });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(realmHost: 'auth.example' | '127.0.0.1', insecureRegistries: string[] = []) {
  const auth = await startEdgeServer();
  const registry = await startEdgeServer();
  const http = new RoutingClient('auth.example');
  const remote = new RemoteRegistry({ http, insecureRegistries, credentials: async () => ({ username: 'alice', password: 's3cret' }) });
  open.push(auth, registry, remote);
  const realm = `http://${realmHost}:${auth.port}/token`;
  auth.on('GET', '/token', (_req, res) => sendJson(res, 200, { token: 'tok' }));
  registry.on('GET', '/v2/', (req, res) => (req.headers.authorization === 'Bearer tok' ? sendJson(res, 200, {}) : bearerChallenge(realm, 'edge')(req, res)));
  registry.on('GET', '/v2/team/app/manifests/v1', (req, res) =>
    req.headers.authorization === 'Bearer tok'
      ? sendJson(res, 200, JSON.parse(FAKE_MANIFEST), { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
      : bearerChallenge(realm, 'edge', 'repository:team/app:pull')(req, res),
  );
  const pull = () => getManifest(remote, parseReference(`${registry.host}/team/app:v1`));
  return { auth, registry, http, pull, realm };
}

describe('a plain-HTTP token realm on another host than a plain-HTTP registry', () => {
  it('is refused, and that host is sent nothing (no password over plain HTTP)', async () => {
    const { auth, http, pull, registry } = await setup('auth.example');
    await expect(pull()).rejects.toMatchObject({
      code: 'REGCTL_REGISTRY',
      message: `refusing plain-HTTP token realm http://auth.example:${auth.port} of ${registry.host}: another host, not marked insecure (credentials would travel unencrypted to it)`,
      hint: `if that token server is meant to be plain HTTP, pass --insecure-registry auth.example:${auth.port}`,
    });
    expect(http.routed).toEqual([]);
    expect(auth.requests).toEqual([]);
  });

  it('is used when that host is marked insecure too', async () => {
    // A bare host covers every port (docker's insecure-registries rule).
    const { http, pull } = await setup('auth.example', ['auth.example']);
    await expect(pull()).resolves.toBeDefined();
    expect(http.routed.map((r) => new URL(r.url).pathname)).toEqual(['/token']);
  });

  it('is used when it is loopback too (a local registry with a local token server)', async () => {
    const { auth, pull } = await setup('127.0.0.1');
    await expect(pull()).resolves.toBeDefined();
    expect(auth.requests.filter((r) => r.url.startsWith('/token'))[0]?.headers.authorization).toMatch(/^Basic /);
  });
});
