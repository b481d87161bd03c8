// Docker Hub's hosts cannot run here, so undici's MockAgent stands in for them (nock cannot see
// undici.request). This proves the Hub-specific routing of search, ratelimit and digest:
// a bare search term goes to index.docker.io/v1/search (anonymous, X-Docker-Token), the quota
// probe is a HEAD of ratelimitpreview/test on registry-1.docker.io with a token for exactly that
// repository, and nothing else is contacted (disableNetConnect + no pending interceptors).
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestDigest } from '../../../../src/ops/manifest-digest.js';
import { RATE_LIMIT_PROBE, probeRateLimit } from '../../../../src/ops/rate-limit-probe.js';
import { search } from '../../../../src/ops/search.js';
import { parseReference } from '../../../../src/reference/parse.js';
import { parseSearchTerm } from '../../../../src/reference/search-term.js';
import { listCatalog } from '../../../../src/store/remote/catalog.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { UndiciHttpClient } from '../../../../src/transport/undici-http-client.js';

const agents: MockAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function mock(opts: { loggedIn?: boolean } = {}): { agent: MockAgent; remote: RemoteRegistry } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const http = new UndiciHttpClient({ dispatcher: agent });
  const credentials = async () => ({ username: 'hubuser', password: 'hubpass' });
  return { agent, remote: new RemoteRegistry({ http, attempts: 1, ...(opts.loggedIn ? { credentials } : {}) }) };
}

const HUB_PAGE = {
  num_pages: 40,
  num_results: 1000,
  page_size: 25,
  page: 1,
  query: 'nginx',
  results: [
    { name: 'nginx', description: 'Official build of Nginx.', pull_count: 1, star_count: 0, is_trusted: false, is_automated: false, is_official: true },
    { name: 'bitnami/nginx', description: null, pull_count: 1, star_count: 3, is_trusted: true, is_automated: true, is_official: false },
  ],
};

function hubRegistryAuth(agent: MockAgent, seenTokenPaths: string[]) {
  const registry = agent.get('https://registry-1.docker.io');
  registry
    .intercept({ path: '/v2/', method: 'GET' })
    .reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, {
      headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' },
    });
  agent
    .get('https://auth.docker.io')
    .intercept({ path: (p) => (seenTokenPaths.push(p), p.startsWith('/token?')), method: 'GET' })
    .reply(200, { token: 'hub-token', expires_in: 300 });
  return registry;
}

describe('search routing to Docker Hub', () => {
  it.each(['nginx', 'library/nginx', 'docker.io/library/nginx', 'index.docker.io/nginx'])(
    '%s -> GET https://index.docker.io/v1/search?q=nginx&n=25 with X-Docker-Token: true',
    async (term) => {
      const { agent, remote } = mock();
      agent
        .get('https://index.docker.io')
        .intercept({ path: '/v1/search?q=nginx&n=25', method: 'GET', headers: { 'x-docker-token': 'true' } })
        .reply(200, HUB_PAGE, { headers: { 'content-type': 'application/json' } });
      const outcome = await search(remote, parseSearchTerm(term));
      expect(outcome).toEqual({
        registry: 'docker.io',
        query: 'nginx',
        source: 'search',
        results: [
          { name: 'nginx', description: 'Official build of Nginx.', starCount: 0, isOfficial: true, isAutomated: false },
          // null description and Hub's is_automated are normalised (docker forces automated to false).
          { name: 'bitnami/nginx', description: '', starCount: 3, isOfficial: false, isAutomated: false },
        ],
      });
      agent.assertNoPendingInterceptors();
    },
  );

  it('sends no credentials to the Hub search (even when logged in) and passes --limit as n', async () => {
    const { agent, remote } = mock({ loggedIn: true });
    let headers: Record<string, string> = {};
    agent
      .get('https://index.docker.io')
      .intercept({ path: '/v1/search?q=redis&n=3', method: 'GET' })
      .reply(200, (opts) => ((headers = opts.headers as Record<string, string>), { ...HUB_PAGE, results: [] }));
    await search(remote, parseSearchTerm('redis'), { limit: 3 });
    expect(Object.keys(headers).map((h) => h.toLowerCase())).toContain('x-docker-token');
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('authorization');
  });

  it('an unreachable Hub search is a network error (no fallback anywhere else)', async () => {
    const { agent, remote } = mock();
    agent
      .get('https://index.docker.io')
      .intercept({ path: '/v1/search?q=nginx&n=25', method: 'GET' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED 192.0.2.10:443'), { code: 'ECONNREFUSED' }))
      .times(3);
    await expect(search(remote, parseSearchTerm('nginx'))).rejects.toMatchObject({ code: 'REGCTL_NETWORK' });
  });

  it('an empty Hub query is refused before any request', async () => {
    const { remote } = mock();
    await expect(search(remote, parseSearchTerm('docker.io/'))).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
  });

  it('the Hub catalog is refused before any request', async () => {
    const { remote } = mock();
    await expect(listCatalog(remote, 'docker.io')).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED' });
  });
});

describe('quota probe and digest on Docker Hub', () => {
  it('ratelimit: HEAD registry-1.docker.io/v2/ratelimitpreview/test/manifests/latest with a token for that repository', async () => {
    const { agent, remote } = mock();
    const seen: string[] = [];
    hubRegistryAuth(agent, seen)
      .intercept({ path: '/v2/ratelimitpreview/test/manifests/latest', method: 'HEAD', headers: { authorization: 'Bearer hub-token' } })
      .reply(200, '', {
        headers: {
          'docker-content-digest': 'sha256:' + 'a'.repeat(64),
          'ratelimit-limit': '100;w=21600',
          'ratelimit-remaining': '76;w=21600',
          'docker-ratelimit-source': '192.0.2.1',
        },
      });
    const rl = await probeRateLimit(remote, parseReference(RATE_LIMIT_PROBE));
    expect(rl).toEqual({ limit: 100, remaining: 76, windowSeconds: 21600, source: '192.0.2.1' });
    const token = new URL(seen[0]!, 'https://auth.docker.io');
    expect(token.searchParams.get('service')).toBe('registry.docker.io');
    expect(token.searchParams.getAll('scope')).toEqual(['repository:ratelimitpreview/test:pull']);
    agent.assertNoPendingInterceptors();
  });

  it('digest: a HEAD only (a GET would find no interceptor and fail)', async () => {
    const { agent, remote } = mock();
    const digest = 'sha256:' + 'b'.repeat(64);
    hubRegistryAuth(agent, [])
      .intercept({ path: '/v2/library/busybox/manifests/latest', method: 'HEAD' })
      .reply(200, '', { headers: { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.index.v1+json' } });
    expect(await manifestDigest(remote, parseReference('busybox'))).toEqual({ digest, via: 'head' });
    agent.assertNoPendingInterceptors();
  });
});
