// Docker Hub's hosts cannot run here, so nock stands in for them in front of the default HTTP
// stack (node:http). This proves the Hub-specific routing of search, ratelimit and digest:
// a bare search term goes to index.docker.io/v1/search (anonymous, X-Docker-Token), the quota
// probe is a HEAD of ratelimitpreview/test on registry-1.docker.io with a token for exactly that
// repository, and nothing else is contacted (disableNetConnect, every interceptor used, and no
// request that matched none).
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestDigest } from '../../../../src/ops/manifest-digest.js';
import { RATE_LIMIT_PROBE, probeRateLimit } from '../../../../src/ops/rate-limit-probe.js';
import { search } from '../../../../src/ops/search.js';
import { parseReference } from '../../../../src/reference/parse.js';
import { parseSearchTerm } from '../../../../src/reference/search-term.js';
import { listCatalog } from '../../../../src/store/remote/catalog.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { useNockedNetwork } from '../../../helpers/nocked-network.js';

const network = useNockedNetwork();
const remotes: RemoteRegistry[] = [];

afterEach(async () => {
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});

/** The default stack (createHttpClient); an empty env so no ambient proxy or REGCTL_HTTP_STACK applies. */
function defaultRemote(opts: { loggedIn?: boolean } = {}): RemoteRegistry {
  const credentials = async () => ({ username: 'hubuser', password: 'hubpass' });
  const remote = new RemoteRegistry({ env: {}, attempts: 1, ...(opts.loggedIn ? { credentials } : {}) });
  remotes.push(remote);
  return remote;
}

const expectExactlyTheMockedCalls = network.expectExactlyTheMockedCalls;

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

/** Hub's v2 ping challenge on registry-1.docker.io and a token from auth.docker.io; returns the registry scope. */
function hubRegistryAuth(tokenPaths: string[]): nock.Scope {
  nock('https://auth.docker.io')
    .get('/token')
    .query(true)
    .reply(200, (uri) => (tokenPaths.push(uri), { token: 'hub-token', expires_in: 300 }));
  return nock('https://registry-1.docker.io')
    .get('/v2/')
    .reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, {
      'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
    });
}

describe('search routing to Docker Hub', () => {
  it.each(['nginx', 'library/nginx', 'docker.io/library/nginx', 'index.docker.io/nginx'])(
    '%s -> GET https://index.docker.io/v1/search?q=nginx&n=25 with X-Docker-Token: true',
    async (term) => {
      nock('https://index.docker.io')
        .get('/v1/search')
        .query({ q: 'nginx', n: '25' })
        .matchHeader('x-docker-token', 'true')
        .reply(200, HUB_PAGE, { 'content-type': 'application/json' });
      const outcome = await search(defaultRemote(), parseSearchTerm(term));
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
      expectExactlyTheMockedCalls();
    },
  );

  it('sends no credentials to the Hub search (even when logged in) and passes --limit as n', async () => {
    let headers: Record<string, string> = {};
    nock('https://index.docker.io')
      .get('/v1/search')
      .query({ q: 'redis', n: '3' })
      .reply(200, function () {
        headers = this.req.headers;
        return { ...HUB_PAGE, results: [] };
      });
    await search(defaultRemote({ loggedIn: true }), parseSearchTerm('redis'), { limit: 3 });
    expect(Object.keys(headers).map((h) => h.toLowerCase())).toContain('x-docker-token');
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('authorization');
    expectExactlyTheMockedCalls();
  });

  it('an unreachable Hub search is a network error (no fallback anywhere else)', async () => {
    // An Error, not a plain { code, message }: with nock 14.0.17 a plain object never reaches the
    // request's 'error' event on node:http and the request hangs.
    let tries = 0;
    nock('https://index.docker.io')
      .get('/v1/search')
      .query({ q: 'nginx', n: '25' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED 192.0.2.10:443'), { code: 'ECONNREFUSED' }))
      .persist()
      .on('request', () => tries++);
    await expect(search(defaultRemote(), parseSearchTerm('nginx'))).rejects.toMatchObject({ code: 'REGCTL_NETWORK', errno: 'ECONNREFUSED' });
    expect(tries).toBe(1); // the registry client's `attempts: 1` holds for the v1 search too
    expectExactlyTheMockedCalls();
  });

  it('an empty Hub query is refused before any request', async () => {
    await expect(search(defaultRemote(), parseSearchTerm('docker.io/'))).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    expect(network.unmatched()).toEqual([]);
  });

  it('the Hub catalog is refused before any request', async () => {
    await expect(listCatalog(defaultRemote(), 'docker.io')).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED' });
    expect(network.unmatched()).toEqual([]);
  });
});

describe('quota probe and digest on Docker Hub', () => {
  it('ratelimit: HEAD registry-1.docker.io/v2/ratelimitpreview/test/manifests/latest with a token for that repository', async () => {
    const tokenPaths: string[] = [];
    hubRegistryAuth(tokenPaths)
      .head('/v2/ratelimitpreview/test/manifests/latest')
      .matchHeader('authorization', 'Bearer hub-token')
      .reply(200, '', {
        'docker-content-digest': 'sha256:' + 'a'.repeat(64),
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '76;w=21600',
        'docker-ratelimit-source': '192.0.2.1',
      });
    const rl = await probeRateLimit(defaultRemote(), parseReference(RATE_LIMIT_PROBE));
    expect(rl).toEqual({ limit: 100, remaining: 76, windowSeconds: 21600, source: '192.0.2.1' });
    const token = new URL(tokenPaths[0]!, 'https://auth.docker.io');
    expect(token.searchParams.get('service')).toBe('registry.docker.io');
    expect(token.searchParams.getAll('scope')).toEqual(['repository:ratelimitpreview/test:pull']);
    expectExactlyTheMockedCalls();
  });

  it('digest: a HEAD only (a GET would match no interceptor and fail)', async () => {
    const digest = 'sha256:' + 'b'.repeat(64);
    hubRegistryAuth([])
      .head('/v2/library/busybox/manifests/latest')
      .reply(200, '', { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.index.v1+json' });
    expect(await manifestDigest(defaultRemote(), parseReference('busybox'))).toEqual({ digest, via: 'head' });
    expectExactlyTheMockedCalls();
  });
});
