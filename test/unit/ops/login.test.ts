// ops/login against Docker Hub's hosts (mocked with undici's MockAgent: they cannot run here): the
// v2 API on registry-1.docker.io, tokens from auth.docker.io, credentials under the v1 index key.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MockAgent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { CredentialResolver } from '../../../src/config/credentials/select.js';
import { login, type CredentialRequest } from '../../../src/ops/login.js';
import { UndiciHttpClient } from '../../../src/transport/undici-http-client.js';
import { makeTempDir, removeTempDirs, writeJson } from '../config/support.js';

const HUB_KEY = 'https://index.docker.io/v1/';
const agents: MockAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});
afterAll(removeTempDirs);

function hub(password: string) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  agent
    .get('https://registry-1.docker.io')
    .intercept({ path: '/v2/', method: 'GET' })
    .reply<Record<string, unknown>>((req) =>
      (req.headers as Record<string, string>).authorization === 'Bearer hub-token'
        ? { statusCode: 200, data: {} }
        : {
            statusCode: 401,
            data: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
            responseOptions: { headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' } },
          },
    )
    .persist();
  const tokenQueries: URLSearchParams[] = [];
  agent
    .get('https://auth.docker.io')
    .intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' })
    .reply<Record<string, unknown>>((req) => {
      tokenQueries.push(new URL(req.path, 'https://auth.docker.io').searchParams);
      const authorization = (req.headers as Record<string, string>).authorization ?? '';
      const ok = authorization === `Basic ${Buffer.from(`someone:${password}`).toString('base64')}`;
      return ok ? { statusCode: 200, data: { token: 'hub-token', expires_in: 300 } } : { statusCode: 401, data: { details: 'incorrect username or password' } };
    })
    .persist();
  return { http: new UndiciHttpClient({ dispatcher: agent }), tokenQueries };
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
    const { http, tokenQueries } = hub('hub-pat');
    const { resolver, file } = await resolverWith({ auths: { 'docker.io': { auth: Buffer.from('old:old').toString('base64') }, 'quay.io': {} } });
    const result = await login({ registry: 'docker.io', resolver, username: 'someone', password: 'hub-pat', ask: noPrompt, remote: { http } });
    expect(result).toEqual({ key: HUB_KEY, reused: false, identityToken: false, plainTextFile: file });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({
      'quay.io': {},
      [HUB_KEY]: { auth: Buffer.from('someone:hub-pat').toString('base64') },
    });
    expect(Object.fromEntries(tokenQueries[0]!)).toMatchObject({ service: 'registry.docker.io', account: 'someone' });
    expect(tokenQueries[0]!.has('scope')).toBe(false);
  });

  it('asks for what is missing, suggesting the stored user name', async () => {
    const { http } = hub('hub-pat');
    const { resolver } = await resolverWith({ auths: { [HUB_KEY]: { auth: Buffer.from('someone:expired').toString('base64') } } });
    const requests: CredentialRequest[] = [];
    const events: string[] = [];
    const result = await login({
      registry: 'docker.io',
      resolver,
      ask: async (request) => (requests.push(request), { username: 'someone', password: 'hub-pat' }),
      onEvent: (event) => events.push(event.type),
      remote: { http },
    });
    expect(result.reused).toBe(false);
    expect(events).toEqual(['reusing', 'stale']);
    expect(requests).toEqual([{ username: true, password: true, defaultUsername: 'someone' }]);
  });

  it('does not save anything when the registry refuses', async () => {
    const { http } = hub('hub-pat');
    const { resolver, file } = await resolverWith({});
    const before = await fs.readFile(file, 'utf8');
    await expect(login({ registry: 'docker.io', resolver, username: 'someone', password: 'nope', ask: noPrompt, remote: { http } })).rejects.toMatchObject({
      code: 'REGCTL_UNAUTHORIZED',
    });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });
});
