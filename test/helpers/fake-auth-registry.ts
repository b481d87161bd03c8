// A small registry on the edge server that authenticates like the hosted registries people log in
// to: Basic (ECR, htpasswd) or Bearer with a token endpoint (Hub, GHCR, quay, ACR), with their
// quirks switchable (quay's 400 on an empty scope=, GHCR's exact service, refresh tokens). One
// image, `private/app:v1`, needs a logged-in user; `public/app:v1` is anonymous.
import { randomBytes } from 'node:crypto';
import { sendJson, registryError } from './edge-routes.js';
import { startEdgeServer, type EdgeRequest, type EdgeServer } from './edge-server.js';

export const FAKE_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
  layers: [],
});

export interface FakeAuthRegistryOptions {
  /** user -> password (or PAT). */
  users: Record<string, string>;
  scheme: 'basic' | 'bearer';
  /** Bearer: the `service` of the challenge; the token endpoint refuses any other value (GHCR). */
  service?: string;
  /** Bearer: answer 400 to a `scope=` parameter with an empty value (quay.io). */
  rejectEmptyScope?: boolean;
  /** Bearer: hand out refresh tokens (GET offline_token=true, or POST access_type=offline), like ACR. */
  refreshTokens?: boolean;
  /** Bearer: the OAuth2 POST endpoint exists (default true). */
  oauthPost?: boolean;
  /** Bearer: a refresh grant also returns a new refresh token, and the old one stops working. */
  rotateRefreshTokens?: boolean;
}

export interface TokenRequestLog {
  method: string;
  query: URLSearchParams;
  form: URLSearchParams | undefined;
  basicUser: string | undefined;
}

export interface FakeAuthRegistry {
  edge: EdgeServer;
  host: string;
  tokenRequests: TokenRequestLog[];
  /** Refresh tokens handed out, newest last (tests assert where they end up, and that they never print). */
  refreshTokens: string[];
  /** Bearer tokens handed out. */
  accessTokens: string[];
  close(): Promise<void>;
}

export async function startFakeAuthRegistry(options: FakeAuthRegistryOptions): Promise<FakeAuthRegistry> {
  const edge = await startEdgeServer();
  const service = options.service ?? 'fake-registry';
  const realm = `${edge.url}/token`;
  const access = new Map<string, string | undefined>(); // bearer token -> account
  const refresh = new Map<string, string>(); // refresh token -> account
  const result: FakeAuthRegistry = { edge, host: edge.host, tokenRequests: [], refreshTokens: [], accessTokens: [], close: () => edge.close() };

  const basicUser = (req: EdgeRequest): string | undefined | null => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    return options.users[user] !== undefined && options.users[user] === password ? user : null; // null: wrong
  };
  /** The account behind a request to /v2/..., undefined for anonymous, null for bad credentials. */
  const account = (req: EdgeRequest): string | undefined | null => {
    if (options.scheme === 'basic') return basicUser(req);
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    const token = header.slice(7);
    return access.has(token) ? access.get(token) : null;
  };
  const challenge = (scope?: string) =>
    options.scheme === 'basic'
      ? 'Basic realm="fake-registry"'
      : `Bearer realm="${realm}",service="${service}"${scope ? `,scope="${scope}"` : ''}`;
  const deny = (scope?: string) => registryError(401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': challenge(scope) });

  edge.on('GET', '/v2/', (req, res) => {
    const who = account(req);
    if (who === undefined || who === null) return deny()(req, res);
    sendJson(res, 200, {});
  });
  edge.on('GET', /^\/v2\/(public|private)\/app\/manifests\/v1$/, (req, res) => {
    const repo = `${req.match![1]}/app`;
    const who = account(req);
    if (who === null || (repo.startsWith('private/') && who === undefined)) return deny(`repository:${repo}:pull`)(req, res);
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': Buffer.byteLength(FAKE_MANIFEST) });
    res.end(req.method === 'HEAD' ? undefined : FAKE_MANIFEST);
  });

  const issue = (res: Parameters<typeof sendJson>[0], who: string | undefined, withRefresh: boolean) => {
    const token = randomBytes(18).toString('hex');
    access.set(token, who);
    result.accessTokens.push(token);
    const body: Record<string, unknown> = { token, access_token: token, expires_in: 300 };
    if (withRefresh && who) {
      const value = `refresh-${randomBytes(18).toString('hex')}`;
      refresh.set(value, who);
      result.refreshTokens.push(value);
      body.refresh_token = value;
    }
    sendJson(res, 200, body);
  };
  const unauthorized = (res: Parameters<typeof sendJson>[0]) => sendJson(res, 401, { details: 'incorrect username or password' });

  edge.on('GET', '/token', (req, res) => {
    const query = req.url.searchParams;
    const user = basicUser(req);
    result.tokenRequests.push({ method: 'GET', query, form: undefined, basicUser: user ?? undefined });
    if (options.rejectEmptyScope && query.getAll('scope').some((s) => s === '')) return sendJson(res, 400, { error: 'empty scope' });
    if (query.get('service') !== service) return sendJson(res, 400, { error: `unknown service ${query.get('service')}` });
    if (user === null) return unauthorized(res);
    issue(res, user, !!options.refreshTokens && query.get('offline_token') === 'true');
  });
  edge.on('POST', '/token', (req, res) => {
    const form = new URLSearchParams(req.body.toString('utf8'));
    result.tokenRequests.push({ method: 'POST', query: req.url.searchParams, form, basicUser: undefined });
    if (options.oauthPost === false) return sendJson(res, 404, { error: 'not found' });
    if (form.get('service') !== service) return sendJson(res, 400, { error: `unknown service ${form.get('service')}` });
    if (form.get('grant_type') === 'refresh_token') {
      const who = refresh.get(form.get('refresh_token') ?? '');
      if (!who) return unauthorized(res);
      if (options.rotateRefreshTokens) refresh.delete(form.get('refresh_token') ?? '');
      return issue(res, who, !!options.rotateRefreshTokens);
    }
    const user = form.get('username') ?? '';
    if (options.users[user] === undefined || options.users[user] !== form.get('password')) return unauthorized(res);
    issue(res, user, !!options.refreshTokens && form.get('access_type') === 'offline');
  });
  return result;
}
