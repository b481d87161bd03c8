// In-process JWT token issuer for the token-auth registry (docker's token spec
// plus the OAuth2 POST form). No dependencies: node:http + node:crypto. It runs
// in the vitest main process, so tests in worker processes read its request log
// over HTTP (`GET /_log`, `DELETE /_log`).
import { createPrivateKey, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenLogEntry } from './token-log.js';
import { defaultPolicy, grant, type AccessEntry, type Policy } from './token-policy.js';
import { USERS } from './users.js';

export interface TokenServerOptions {
  keyPath: string;
  kid: string;
  issuer?: string;
  service?: string;
  expiresIn?: number;
  policy?: Policy;
  /** username -> password */
  users?: Record<string, string>;
  /** false: POST /token answers 404, like realms that only speak the GET flow. */
  oauthPost?: boolean;
}

export interface TokenServer {
  url: string;
  /** The realm to put in the registry config: `${url}/token`. */
  realm: string;
  logUrl: string;
  service: string;
  issuer: string;
  log: TokenLogEntry[];
  /** Signs a token directly (for tests that need one without the HTTP flow). */
  issue(account: string | undefined, access: AccessEntry[]): string;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };
const unauthorized = (message: string): Reply => ({
  status: 401,
  body: { errors: [{ code: 'UNAUTHORIZED', message, detail: null }], error: 'invalid_grant', error_description: message },
});

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(await readFile(options.keyPath));
  const service = options.service ?? 'test-registry';
  const issuer = options.issuer ?? 'test-issuer';
  const expiresIn = options.expiresIn ?? 300;
  const policy = options.policy ?? defaultPolicy;
  const users = options.users ?? Object.fromEntries(Object.values(USERS).map((u) => [u.username, u.password]));
  const refreshTokens = new Map<string, string>(); // refresh token -> account
  const log: TokenLogEntry[] = [];
  let seq = 0;

  const issue = (account: string | undefined, access: AccessEntry[]) =>
    signJwt(key, options.kid, { iss: issuer, sub: account ?? '', aud: service, access }, expiresIn);
  const tokenBody = (account: string | undefined, scopes: string[]) => {
    const token = issue(account, grant(policy, account, scopes));
    return { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() };
  };
  const newRefreshToken = (account: string) => {
    const value = randomBytes(24).toString('base64url');
    refreshTokens.set(value, account);
    return value;
  };

  function handleGet(url: URL, authHeader: string | undefined, entry: TokenLogEntry): Reply {
    let account: string | undefined;
    if (authHeader?.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(authHeader.slice(6), 'base64').toString('utf8').split(':');
      if (!user || users[user] === undefined || users[user] !== rest.join(':')) return unauthorized('bad credentials');
      account = user;
    }
    entry.account = account;
    const body: Record<string, unknown> = tokenBody(account, entry.scopes);
    if (account && url.searchParams.get('offline_token') === 'true') body.refresh_token = newRefreshToken(account);
    return { status: 200, body };
  }

  function handlePost(form: URLSearchParams, entry: TokenLogEntry): Reply {
    if (options.oauthPost === false) return { status: 404, body: { error: 'not found' } };
    const grantType = form.get('grant_type');
    let account: string | undefined;
    let refreshToken: string | undefined;
    if (grantType === 'password') {
      const user = form.get('username') ?? '';
      if (users[user] === undefined || users[user] !== form.get('password')) return unauthorized('bad credentials');
      account = user;
      if (form.get('access_type') === 'offline') refreshToken = newRefreshToken(user);
    } else if (grantType === 'refresh_token') {
      account = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!account) return unauthorized('invalid refresh token');
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `grant_type ${grantType}` } };
    }
    entry.account = account;
    const { access_token, expires_in, issued_at } = tokenBody(account, entry.scopes);
    const body: Record<string, unknown> = { access_token, expires_in, issued_at, scope: entry.scopes.join(' ') };
    if (refreshToken) body.refresh_token = refreshToken;
    return { status: 200, body };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://token.invalid');
      if (url.pathname === '/_log') return serveLog(req.method, url, log, res);
      const form = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : undefined;
      const rawScopes = form ? form.getAll('scope') : url.searchParams.getAll('scope');
      const entry: TokenLogEntry = {
        seq: ++seq,
        time: new Date().toISOString(),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: groupParams(url.searchParams),
        form: form ? redactForm(form) : undefined,
        authorization: req.headers.authorization !== undefined,
        account: undefined,
        scopes: rawScopes.flatMap((s) => s.split(' ')).filter(Boolean),
        status: 0,
        userAgent: req.headers['user-agent'],
      };
      log.push(entry);
      const requestedService = form ? form.get('service') : url.searchParams.get('service');
      let reply: Reply;
      if (url.pathname !== '/token') reply = { status: 404, body: { error: 'not found' } };
      else if (requestedService !== null && requestedService !== service) {
        reply = { status: 400, body: { errors: [{ code: 'INVALID_REQUEST', message: `unknown service ${requestedService}` }] } };
      } else if (req.method === 'GET') reply = handleGet(url, req.headers.authorization, entry);
      else if (req.method === 'POST') reply = handlePost(form!, entry);
      else reply = { status: 405, body: { error: 'method not allowed' } };
      entry.status = reply.status;
      sendJson(res, reply.status, reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    realm: `${url}/token`,
    logUrl: `${url}/_log`,
    service,
    issuer,
    log,
    issue,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function serveLog(method: string | undefined, url: URL, log: TokenLogEntry[], res: http.ServerResponse): void {
  if (method === 'DELETE') {
    log.length = 0;
    res.writeHead(204).end();
    return;
  }
  const since = Number(url.searchParams.get('since') ?? 0);
  sendJson(res, 200, log.filter((e) => e.seq > since));
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length }).end(bytes);
}

function groupParams(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of params) (out[k] ??= []).push(v);
  return out;
}

function redactForm(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) out[k] = k === 'password' || k === 'refresh_token' ? '<redacted>' : v;
  return out;
}

/** ES256 JWT as distribution 2.8 wants it: `aud` a string, raw r||s signature, libtrust `kid`. */
export function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>, expiresIn: number): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ typ: 'JWT', alg: 'ES256', kid })}.${b64({ ...claims, exp: now + expiresIn, nbf: now - 1, iat: now, jti: randomUUID() })}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
