// Bearer token exchange (distribution's token spec and its OAuth2 variant) with a cache
// per registry, identity and scope set.
import { RegctlError } from '../errors.js';
import type { HttpClient, HttpResponse } from './http.js';
import { readRegistryError } from './registry-error.js';
import { scopeKey } from './scope.js';
import type { TlsOptions } from './tls.js';

/** What a credential store hands the transport (docker's AuthConfig, camel-cased). */
export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (config.json `identitytoken`). */
  identityToken?: string;
  /** A bearer token to send as is (config.json `registrytoken`). */
  registryToken?: string;
}

export interface BearerChallenge {
  realm: string;
  service?: string;
}

export interface Token {
  token: string;
  expiresAt: number;
  refreshToken?: string;
}

export interface TokenRequest {
  challenge: BearerChallenge;
  scopes: string[];
  credential?: Credential;
  /** Ask for a refresh token (login stores it as the identity token). */
  offline?: boolean;
  /** Scheme of the registry: an https registry must not send credentials to an http realm. */
  registryIsHttps: boolean;
  /** An HTTPS registry allowed to use a plain-HTTP realm (marked insecure). */
  allowHttpRealm: boolean;
  /** The registry's host[:port]: a plain-HTTP realm on another host needs isHttpAllowed for that host. */
  registryHost?: string;
  /** Whether plain HTTP is allowed to `host[:port]` (loopback, or marked insecure). */
  isHttpAllowed?: (host: string) => boolean;
  tls?: TlsOptions;
  signal?: AbortSignal;
  userAgent: string;
}

const CLIENT_ID = 'regctl';
const MIN_TTL_S = 60;

function basicHeader(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

function checkRealm(realm: string, req: TokenRequest): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegctlError('REGCTL_REGISTRY', `invalid token realm in the registry's challenge: ${JSON.stringify(realm.slice(0, 100))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegctlError('REGCTL_REGISTRY', `refusing token realm with scheme ${url.protocol}`);
  }
  if (url.protocol === 'http:' && req.registryIsHttps && !req.allowHttpRealm) {
    throw new RegctlError(
      'REGCTL_REGISTRY',
      `refusing plain-HTTP token realm ${url.origin} for an HTTPS registry (credentials would travel unencrypted)`,
    );
  }
  // A plain-HTTP registry (a loopback fallback, or marked insecure) vouches for itself only: a
  // realm on another host gets plain HTTP, and with it the password, only if that host may too.
  if (url.protocol === 'http:' && req.registryHost !== undefined && !sameHostname(url, req.registryHost) && !(req.isHttpAllowed?.(url.host) ?? false)) {
    throw new RegctlError(
      'REGCTL_REGISTRY',
      `refusing plain-HTTP token realm ${url.origin} of ${req.registryHost}: another host, not marked insecure (credentials would travel unencrypted to it)`,
      { hint: `if that token server is meant to be plain HTTP, pass --insecure-registry ${url.host}` },
    );
  }
  return url;
}

function sameHostname(url: URL, hostPort: string): boolean {
  return URL.canParse(`http://${hostPort}/`) && new URL(`http://${hostPort}/`).hostname === url.hostname;
}

async function parseTokenResponse(res: HttpResponse): Promise<Token> {
  const text = await res.text(1024 * 1024);
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new RegctlError('REGCTL_REGISTRY', 'token server returned invalid JSON');
  }
  const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
  if (typeof token !== 'string' || !token) {
    throw new RegctlError('REGCTL_REGISTRY', 'token server response has no token');
  }
  const ttl = Math.max(MIN_TTL_S, typeof body.expires_in === 'number' ? body.expires_in : MIN_TTL_S);
  // Renew 10 s early so a token never expires in flight.
  const result: Token = { token, expiresAt: Date.now() + (ttl - 10) * 1000 };
  if (typeof body.refresh_token === 'string' && body.refresh_token) result.refreshToken = body.refresh_token;
  return result;
}

async function tokenFailure(res: HttpResponse, method: string, url: URL): Promise<never> {
  const err = await readRegistryError(res, method, url.toString());
  if (res.status === 401 || res.status === 403) {
    throw new RegctlError('REGCTL_UNAUTHORIZED', `unauthorized: ${err.errors[0]?.message ? `${err.errors[0].message}` : 'incorrect username or password'}`, { cause: err });
  }
  throw err;
}

/** OAuth2 POST (refresh_token grant, or password grant when asked for an offline token). */
async function fetchOAuth(http: HttpClient, url: URL, req: TokenRequest): Promise<HttpResponse> {
  const form = new URLSearchParams();
  const cred = req.credential ?? {};
  if (cred.identityToken) {
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', cred.identityToken);
  } else {
    form.set('grant_type', 'password');
    form.set('username', cred.username ?? '');
    form.set('password', cred.password ?? '');
    form.set('access_type', 'offline');
  }
  if (req.challenge.service) form.set('service', req.challenge.service);
  form.set('client_id', CLIENT_ID);
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
  return http.send({
    method: 'POST',
    url: url.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': req.userAgent },
    body: form.toString(),
    tls: req.tls,
    signal: req.signal,
  });
}

/** Token GET with optional Basic credentials; never sends an empty scope= (quay.io answers 400). */
async function fetchBasic(http: HttpClient, url: URL, req: TokenRequest): Promise<HttpResponse> {
  const u = new URL(url);
  if (req.challenge.service) u.searchParams.set('service', req.challenge.service);
  for (const s of req.scopes) if (s) u.searchParams.append('scope', s);
  const headers: Record<string, string> = { 'user-agent': req.userAgent };
  const cred = req.credential;
  if (cred?.username && cred.password !== undefined) {
    headers.authorization = basicHeader(cred.username, cred.password);
    u.searchParams.set('account', cred.username);
    if (req.offline) {
      u.searchParams.set('offline_token', 'true');
      u.searchParams.set('client_id', CLIENT_ID);
    }
  }
  return http.send({ method: 'GET', url: u.toString(), headers, tls: req.tls, signal: req.signal });
}

export async function fetchToken(http: HttpClient, req: TokenRequest): Promise<Token> {
  const realm = checkRealm(req.challenge.realm, req);
  const cred = req.credential;
  if (cred?.identityToken) {
    const res = await fetchOAuth(http, realm, req);
    if (res.status === 200) return parseTokenResponse(res);
    if (res.status !== 404 && res.status !== 405) return tokenFailure(res, 'POST', realm);
    await res.dump();
    // Token servers without the OAuth2 endpoint: fall back to the classic GET.
  }
  const res = await fetchBasic(http, realm, req);
  if (res.status === 200) return parseTokenResponse(res);
  return tokenFailure(res, 'GET', realm);
}

/** Tokens per (registry, identity, scope set); expired entries are refetched. */
export class TokenCache {
  private readonly tokens = new Map<string, Token>();

  private key(registry: string, identity: string, scopes: string[]): string {
    return `${registry}\u0000${identity}\u0000${scopeKey(scopes)}`;
  }

  get(registry: string, identity: string, scopes: string[]): Token | undefined {
    const t = this.tokens.get(this.key(registry, identity, scopes));
    if (t && t.expiresAt > Date.now()) return t;
    return undefined;
  }

  set(registry: string, identity: string, scopes: string[], token: Token): void {
    this.tokens.set(this.key(registry, identity, scopes), token);
  }

  delete(registry: string, identity: string, scopes: string[]): void {
    this.tokens.delete(this.key(registry, identity, scopes));
  }
}
