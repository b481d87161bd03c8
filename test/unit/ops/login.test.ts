// ops/login against Docker Hub's hosts (mocked with nock in front of the default HTTP stack,
// node:http: they cannot run here): the v2 API on registry-1.docker.io, tokens from
// auth.docker.io, credentials under the v1 index key. Every interceptor must be used and any
// other request fails the test (disableNetConnect + 'no match' record).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { CredentialResolver } from '../../../src/config/credentials/select.js';
import { login, type CredentialRequest } from '../../../src/ops/login.js';
import { makeTempDir, removeTempDirs, writeJson } from '../config/support.js';
import { useNockedNetwork } from '../../helpers/nocked-network.js';

const HUB_KEY = 'https://index.docker.io/v1/';
/** The default stack (createHttpClient); an empty env so no ambient proxy or REGCTL_HTTP_STACK applies. */
const remote = { env: {} };

const network = useNockedNetwork();
afterAll(removeTempDirs);

const expectExactlyTheMockedCalls = network.expectExactlyTheMockedCalls;

/**
 * Hub as a login sees it: /v2/ challenges unless it gets the token, and auth.docker.io issues
 * that token only for someone:<password>. Persistent (a login may verify more than once), so
 * pendingMocks() means "used at least once".
 */
function hub(password: string) {
  nock('https://registry-1.docker.io')
    .get('/v2/')
    .reply(function () {
      return this.req.headers.authorization === 'Bearer hub-token'
        ? [200, {}]
        : [
            401,
            { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
            { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' },
          ];
    })
    .persist();
  const tokenQueries: URLSearchParams[] = [];
  nock('https://auth.docker.io')
    .get('/token')
    .query(true)
    .reply(function (uri) {
      tokenQueries.push(new URL(uri, 'https://auth.docker.io').searchParams);
      const ok = this.req.headers.authorization === `Basic ${Buffer.from(`someone:${password}`).toString('base64')}`;
      return ok ? [200, { token: 'hub-token', expires_in: 300 }] : [401, { details: 'incorrect username or password' }];
    })
    .persist();
  return { tokenQueries };
}

async function resolverWith(config: unknown): Promise<{ resolver: CredentialResolver; file: string }> {
  const dir = await makeTempDir('regctl-ops-login-');
  const file = path.join(dir, 'config.json');
  await writeJson(file, config);
  return { resolver: new CredentialResolver(await ConfigFile.load(file), { env: {} }), file };
}

const noPrompt = async (request: CredentialRequest) => {
  throw new Error(`unexpected prompt ${JSON.stringify(request)}`);
};

describe('login to Docker Hub', () => {
  it('verifies at auth.docker.io and saves under https://index.docker.io/v1/, replacing other Hub spellings', async () => {
    const { tokenQueries } = hub('hub-pat');
    const { resolver, file } = await resolverWith({ auths: { 'docker.io': { auth: Buffer.from('old:old').toString('base64') }, 'quay.io': {} } });
    const result = await login({ registry: 'docker.io', resolver, username: 'someone', password: 'hub-pat', ask: noPrompt, remote });
    expect(result).toEqual({ key: HUB_KEY, reused: false, identityToken: false, plainTextFile: file });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({
      'quay.io': {},
      [HUB_KEY]: { auth: Buffer.from('someone:hub-pat').toString('base64') },
    });
    expect(Object.fromEntries(tokenQueries[0]!)).toMatchObject({ service: 'registry.docker.io', account: 'someone' });
    expect(tokenQueries[0]!.has('scope')).toBe(false);
    expectExactlyTheMockedCalls();
  });

  it('asks for what is missing, suggesting the stored user name', async () => {
    hub('hub-pat');
    const { resolver } = await resolverWith({ auths: { [HUB_KEY]: { auth: Buffer.from('someone:expired').toString('base64') } } });
    const requests: CredentialRequest[] = [];
    const events: string[] = [];
    const result = await login({
      registry: 'docker.io',
      resolver,
      ask: async (request) => (requests.push(request), { username: 'someone', password: 'hub-pat' }),
      onEvent: (event) => events.push(event.type),
      remote,
    });
    expect(result.reused).toBe(false);
    expect(events).toEqual(['reusing', 'stale']);
    expect(requests).toEqual([{ username: true, password: true, defaultUsername: 'someone' }]);
    expectExactlyTheMockedCalls();
  });

  it('does not save anything when the registry refuses', async () => {
    hub('hub-pat');
    const { resolver, file } = await resolverWith({});
    const before = await fs.readFile(file, 'utf8');
    await expect(login({ registry: 'docker.io', resolver, username: 'someone', password: 'nope', ask: noPrompt, remote })).rejects.toMatchObject({
      code: 'REGCTL_UNAUTHORIZED',
    });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expectExactlyTheMockedCalls();
  });
});
