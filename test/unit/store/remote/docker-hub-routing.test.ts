// Docker Hub's hosts cannot run here, so this one test mocks them with undici's MockAgent
// (nock cannot see undici.request: see README "Dependencies"). It proves the routing that
// is specific to Hub: docker.io -> registry-1.docker.io, library/ names, auth.docker.io tokens.
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReference, parseRepository } from '../../../../src/reference/parse.js';
import { getManifest } from '../../../../src/store/remote/manifest.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { listTags } from '../../../../src/store/remote/tags.js';
import { UndiciHttpClient } from '../../../../src/transport/undici-http-client.js';

const agents: MockAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function hub() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const registry = agent.get('https://registry-1.docker.io');
  const auth = agent.get('https://auth.docker.io');
  const seen: string[] = [];
  registry
    .intercept({ path: '/v2/', method: 'GET' })
    .reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, {
      headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' },
    });
  auth
    .intercept({ path: (p) => (seen.push(p), p.startsWith('/token?')), method: 'GET' })
    .reply(200, { token: 'hub-token', expires_in: 300 });
  return { agent, registry, seen };
}

describe('Docker Hub routing', () => {
  it('resolves busybox to registry-1.docker.io/v2/library/busybox with a token from auth.docker.io', async () => {
    const { agent, registry, seen } = hub();
    const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    registry
      .intercept({ path: '/v2/library/busybox/manifests/latest', method: 'GET', headers: { authorization: 'Bearer hub-token' } })
      .reply(200, body, { headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' } });
    const remote = new RemoteRegistry({ http: new UndiciHttpClient({ dispatcher: agent }) });
    const m = await getManifest(remote, parseReference('busybox'));
    expect(m.bytes.toString()).toBe(body);
    const token = new URL(seen[0]!, 'https://auth.docker.io');
    expect(token.searchParams.get('service')).toBe('registry.docker.io');
    expect(token.searchParams.getAll('scope')).toEqual(['repository:library/busybox:pull']);
    agent.assertNoPendingInterceptors();
  });

  it('lists tags of a user repository on Hub', async () => {
    const { agent, registry } = hub();
    registry.intercept({ path: '/v2/someuser/app/tags/list', method: 'GET' }).reply(200, { name: 'someuser/app', tags: ['1', '2'] });
    const remote = new RemoteRegistry({ http: new UndiciHttpClient({ dispatcher: agent }) });
    expect(await listTags(remote, parseRepository('docker.io/someuser/app'))).toEqual(['1', '2']);
  });
});
