// Docker Hub's hosts cannot run here, so nock stands in for them in front of the default HTTP
// stack (node:http, which nock patches). This proves the routing that is specific to Hub:
// docker.io -> registry-1.docker.io, library/ names, auth.docker.io tokens. Every interceptor
// must be used and any other request fails the test (disableNetConnect + 'no match' record).
// The last test keeps the opt-in undici stack covered with undici's MockAgent: nock cannot see
// undici.request (measured with nock 14: ENOTFOUND).
import nock from 'nock';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReference, parseRepository } from '../../../../src/reference/parse.js';
import { getManifest } from '../../../../src/store/remote/manifest.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { listTags } from '../../../../src/store/remote/tags.js';
import { UndiciHttpClient } from '../../../../src/transport/undici-http-client.js';
import { useNockedNetwork } from '../../../helpers/nocked-network.js';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' };
const UNAUTHORIZED = { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] };
const INDEX = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });

const network = useNockedNetwork();
const remotes: RemoteRegistry[] = [];
const agents: MockAgent[] = [];

afterEach(async () => {
  await Promise.all(remotes.splice(0).map((r) => r.close()));
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** The default stack (createHttpClient); an empty env so no ambient proxy or REGCTL_HTTP_STACK applies. */
function defaultRemote(): RemoteRegistry {
  const remote = new RemoteRegistry({ env: {} });
  remotes.push(remote);
  return remote;
}

/** Hub's v2 ping challenge on registry-1.docker.io and a token from auth.docker.io; returns the registry scope. */
function hub(tokenPaths: string[] = []): nock.Scope {
  nock('https://auth.docker.io')
    .get('/token')
    .query(true)
    .reply(200, (uri) => (tokenPaths.push(uri), { token: 'hub-token', expires_in: 300 }));
  return nock('https://registry-1.docker.io').get('/v2/').reply(401, UNAUTHORIZED, CHALLENGE);
}

const expectExactlyTheMockedCalls = network.expectExactlyTheMockedCalls;

describe('Docker Hub routing', () => {
  it('resolves busybox to registry-1.docker.io/v2/library/busybox with a token from auth.docker.io', async () => {
    const tokenPaths: string[] = [];
    hub(tokenPaths)
      .get('/v2/library/busybox/manifests/latest')
      .matchHeader('authorization', 'Bearer hub-token')
      .reply(200, INDEX, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
    const m = await getManifest(defaultRemote(), parseReference('busybox'));
    expect(m.bytes.toString()).toBe(INDEX);
    const token = new URL(tokenPaths[0]!, 'https://auth.docker.io');
    expect(token.searchParams.get('service')).toBe('registry.docker.io');
    expect(token.searchParams.getAll('scope')).toEqual(['repository:library/busybox:pull']);
    expectExactlyTheMockedCalls();
  });

  it('lists tags of a user repository on Hub', async () => {
    hub()
      .get('/v2/someuser/app/tags/list')
      .matchHeader('authorization', 'Bearer hub-token')
      .reply(200, { name: 'someuser/app', tags: ['1', '2'] });
    expect(await listTags(defaultRemote(), parseRepository('docker.io/someuser/app'))).toEqual(['1', '2']);
    expectExactlyTheMockedCalls();
  });
});

describe('Docker Hub routing through the opt-in undici stack (REGCTL_HTTP_STACK=undici)', () => {
  it('resolves busybox to registry-1.docker.io with a token from auth.docker.io', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agents.push(agent);
    const seen: string[] = [];
    const registry = agent.get('https://registry-1.docker.io');
    registry.intercept({ path: '/v2/', method: 'GET' }).reply(401, UNAUTHORIZED, { headers: CHALLENGE });
    agent
      .get('https://auth.docker.io')
      .intercept({ path: (p) => (seen.push(p), p.startsWith('/token?')), method: 'GET' })
      .reply(200, { token: 'hub-token', expires_in: 300 });
    registry
      .intercept({ path: '/v2/library/busybox/manifests/latest', method: 'GET', headers: { authorization: 'Bearer hub-token' } })
      .reply(200, INDEX, { headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' } });
    const remote = new RemoteRegistry({ http: new UndiciHttpClient({ dispatcher: agent }) });
    remotes.push(remote);
    const m = await getManifest(remote, parseReference('busybox'));
    expect(m.bytes.toString()).toBe(INDEX);
    const token = new URL(seen[0]!, 'https://auth.docker.io');
    expect(token.searchParams.getAll('scope')).toEqual(['repository:library/busybox:pull']);
    agent.assertNoPendingInterceptors();
    expect(network.unmatched()).toEqual([]);
  });
});
