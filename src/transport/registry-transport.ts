// One registry endpoint: picks the scheme (ping), answers its auth challenge (Basic or
// Bearer with per-scope tokens), re-negotiates on insufficient_scope, follows redirects
// without leaking credentials, and retries what is safe to retry.
import { RegctlError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { findChallenge, parseChallenges } from './challenge.js';
import { discoverEndpoint, isCertificateError, type Endpoint } from './endpoint-discovery.js';
import type { HttpBody, HttpClient, HttpResponse } from './http.js';
import { readRegistryError, type RegistryError } from './registry-error.js';
import { isNoAnswer, isRetryableNetworkError, isRetryableStatus, parseRetryAfter, withRetry } from './retry.js';
import { mergeScopes } from './scope.js';
import type { TlsOptions } from './tls.js';
import { fetchToken, TokenCache, type Credential, type TokenRequest } from './token.js';

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RegistryTransportOptions {
  http: HttpClient;
  /** The API host to connect to (registry-1.docker.io for docker.io). */
  apiHost: string;
  /** Lazily resolves this registry's credentials (called at most once). */
  credential?: () => Promise<Credential | undefined>;
  /** Plain HTTP allowed (loopback or user-marked insecure); HTTPS is still tried first. */
  allowHttp: boolean;
  /** User-marked insecure: HTTPS certificates are not verified either. */
  insecure: boolean;
  tls?: () => Promise<TlsOptions | undefined>;
  userAgent: string;
  tokenCache?: TokenCache;
  debug?: (line: string) => void;
  onRetry?: (info: RetryInfo) => void;
  /** Attempts for retryable failures (network errors, 429, 5xx). */
  attempts?: number;
  /** Whether plain HTTP is allowed to another host (a token realm): loopback or marked insecure. */
  isHttpAllowed?: (host: string) => boolean;
  /** Fixed scheme (mirror URLs name theirs); default: HTTPS, then HTTP where allowed. */
  scheme?: 'https' | 'http';
}

export interface RegistryRequest {
  method: string;
  /** Path below the origin (`/v2/...`) or an absolute URL (upload locations, redirects). */
  path: string;
  scopes: string[];
  headers?: Record<string, string>;
  body?: HttpBody;
  signal?: AbortSignal;
  /** Follow 3xx (blob downloads go to CDNs); default true for GET/HEAD. */
  followRedirects?: boolean;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

const MAX_REDIRECTS = 10;

function isReplayable(body: HttpBody | undefined): boolean {
  return body === undefined || typeof body === 'string' || body instanceof Uint8Array;
}

export class RegistryTransport {
  readonly registry: string;
  private endpoint: Promise<Endpoint> | undefined;
  private credentialPromise: Promise<Credential | undefined> | undefined;
  private readonly tokens: TokenCache;
  /** Scopes already granted to this process per repository, so later tokens ask for the union. */
  private grantedScopes: string[] = [];

  constructor(registry: string, private readonly opts: RegistryTransportOptions) {
    this.registry = registry;
    this.tokens = opts.tokenCache ?? new TokenCache();
  }

  private credential(): Promise<Credential | undefined> {
    this.credentialPromise ??= this.opts.credential ? this.opts.credential() : Promise.resolve(undefined);
    return this.credentialPromise;
  }

  /** Resolves scheme and auth scheme once per process (GET /v2/). */
  ping(signal?: AbortSignal): Promise<Endpoint> {
    this.endpoint ??= discoverEndpoint(this.registry, this.opts, signal).catch((err: unknown) => {
      this.endpoint = undefined;
      throw err;
    });
    return this.endpoint;
  }

  /** The origin in use (after ping), e.g. for resolving relative upload locations. */
  async origin(signal?: AbortSignal): Promise<string> {
    return (await this.ping(signal)).origin;
  }

  private identity(cred: Credential | undefined): string {
    return cred?.identityToken ? `id:${cred.identityToken.length}:${cred.username ?? ''}` : (cred?.username ?? '');
  }

  /** Where a token realm may be: HTTPS anywhere; plain HTTP per token.ts's checkRealm. */
  private realmPolicy(ep: Endpoint): Pick<TokenRequest, 'registryIsHttps' | 'allowHttpRealm' | 'registryHost' | 'isHttpAllowed'> {
    return {
      registryIsHttps: ep.origin.startsWith('https:'),
      allowHttpRealm: this.opts.insecure, // loopback's implied plain HTTP does not cover a realm elsewhere
      registryHost: new URL(ep.origin).host,
      isHttpAllowed: this.opts.isHttpAllowed ?? (() => false),
    };
  }

  private async authorization(ep: Endpoint, scopes: string[], signal?: AbortSignal, force = false): Promise<string | undefined> {
    const ch = ep.challenge;
    if (!ch) return undefined;
    const cred = await this.credential();
    if (ch.scheme === 'basic') {
      if (!cred?.username || cred.password === undefined) return undefined;
      return 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64');
    }
    if (cred?.registryToken) return `Bearer ${cred.registryToken}`;
    const realm = ch.params.realm;
    if (!realm) throw new RegctlError('REGCTL_REGISTRY', `${this.registry}: bearer challenge without a realm`);
    const wanted = mergeScopes(this.grantedScopes.filter((s) => scopes.some((w) => sameResource(s, w))), scopes);
    const id = this.identity(cred);
    if (force) this.tokens.delete(this.registry, id, wanted);
    let token = this.tokens.get(this.registry, id, wanted);
    if (!token) {
      token = await fetchToken(this.opts.http, {
        challenge: { realm, ...(ch.params.service ? { service: ch.params.service } : {}) },
        scopes: wanted,
        ...(cred ? { credential: cred } : {}),
        ...this.realmPolicy(ep),
        ...(ep.tls ? { tls: ep.tls } : {}),
        ...(signal ? { signal } : {}),
        userAgent: this.opts.userAgent,
      });
      this.opts.debug?.(`token for ${this.registry} scopes [${wanted.join(' ')}] obtained`);
      this.tokens.set(this.registry, id, wanted, token);
      this.grantedScopes = mergeScopes(this.grantedScopes, wanted);
    }
    return `Bearer ${token.token}`;
  }

  /**
   * Sends one request with auth. Returns any response the registry gives after auth was
   * settled (2xx, 3xx without follow, 4xx other than a recoverable 401); use `expectOk`.
   */
  async request(req: RegistryRequest): Promise<HttpResponse> {
    const replayable = isReplayable(req.body);
    return withRetry(async () => this.requestOnce(req), {
      attempts: replayable ? (this.opts.attempts ?? 4) : 1,
      signal: req.signal,
      onRetry: this.opts.onRetry,
      shouldRetry: (err: unknown) => {
        const e = err as RegistryError & { retryResponse?: boolean };
        if (e?.retryResponse) return { retry: true, delayMs: e.retryAfterMs };
        return { retry: isRetryableNetworkError(err) && !isCertificateError(err) && !isNoAnswer(err) };
      },
    });
  }

  private async requestOnce(req: RegistryRequest): Promise<HttpResponse> {
    const ep = await this.ping(req.signal);
    let scopes = req.scopes;
    let auth = await this.authorization(ep, scopes, req.signal);
    let res = await this.sendFollowing(ep, req, auth);
    if (res.status === 401 && ep.challenge) {
      const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
      const bearer = findChallenge(challenges, 'bearer');
      await res.dump();
      // Either the scope was too narrow or the token expired early: one re-negotiation.
      if (bearer?.params.scope) scopes = mergeScopes(scopes, bearer.params.scope.split(' '));
      auth = await this.authorization(ep, scopes, req.signal, true);
      res = await this.sendFollowing(ep, req, auth);
    }
    if (isRetryableStatus(res.status) && isReplayable(req.body)) {
      const err = await readRegistryError(res, req.method, res.url);
      throw Object.assign(err, {
        retryResponse: true,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) ?? err.retryAfterMs,
      });
    }
    return res;
  }

  private async sendFollowing(ep: Endpoint, req: RegistryRequest, auth: string | undefined): Promise<HttpResponse> {
    let url = /^https?:\/\//.test(req.path) ? req.path : `${ep.origin}${req.path}`;
    const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
    const seen = new Set<string>();
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(url).origin === ep.origin;
      const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, ...req.headers };
      // Credentials go only to the registry's own origin, never to a CDN we are redirected to.
      if (auth && sameOrigin) headers.authorization = auth;
      const res = await this.opts.http.send({
        method: req.method,
        url,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
        ...(sameOrigin && ep.tls ? { tls: ep.tls } : {}),
        ...(req.headersTimeoutMs ? { headersTimeoutMs: req.headersTimeoutMs } : {}),
        ...(req.bodyTimeoutMs ? { bodyTimeoutMs: req.bodyTimeoutMs } : {}),
      });
      this.opts.debug?.(`${req.method} ${redactUrl(url)} -> ${res.status}`);
      const location = res.headers.get('location');
      if (!follow || res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      await res.dump();
      const next = new URL(location, url).toString();
      if (seen.has(next) || hop >= MAX_REDIRECTS) {
        throw new RegctlError('REGCTL_REGISTRY', `${req.method} ${redactUrl(req.path)}: too many redirects (last: ${redactUrl(next)})`);
      }
      if (!/^https?:/.test(new URL(next).protocol)) {
        throw new RegctlError('REGCTL_REGISTRY', `refusing redirect to ${redactUrl(next)}`);
      }
      seen.add(next);
      url = next;
    }
  }

  /** Verifies credentials: a ping plus, for Bearer registries, a token exchange (docker login's check). */
  async verifyLogin(opts: { offline?: boolean; signal?: AbortSignal } = {}): Promise<{ refreshToken?: string }> {
    const ep = await this.ping(opts.signal);
    const cred = await this.credential();
    if (!ep.challenge) return {};
    if (ep.challenge.scheme === 'basic') {
      const res = await this.sendFollowing(ep, { method: 'GET', path: '/v2/', scopes: [] }, await this.authorization(ep, []));
      if (res.status === 200) {
        await res.dump();
        return {};
      }
      throw await readRegistryError(res, 'GET', res.url);
    }
    const realm = ep.challenge.params.realm ?? '';
    const token = await fetchToken(this.opts.http, {
      challenge: { realm, ...(ep.challenge.params.service ? { service: ep.challenge.params.service } : {}) },
      scopes: [],
      ...(cred ? { credential: cred } : {}),
      offline: opts.offline ?? true,
      ...this.realmPolicy(ep),
      ...(ep.tls ? { tls: ep.tls } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      userAgent: this.opts.userAgent,
    });
    const res = await this.sendFollowing(ep, { method: 'GET', path: '/v2/', scopes: [] }, `Bearer ${token.token}`);
    if (res.status !== 200) throw await readRegistryError(res, 'GET', res.url);
    await res.dump();
    return token.refreshToken ? { refreshToken: token.refreshToken } : {};
  }
}

function sameResource(a: string, b: string): boolean {
  const res = (s: string) => s.slice(0, s.lastIndexOf(':'));
  return res(a) === res(b);
}

/** Throws the registry's error unless the status is one of `ok`. */
export async function expectStatus(res: HttpResponse, method: string, ...ok: number[]): Promise<HttpResponse> {
  if (ok.includes(res.status)) return res;
  throw await readRegistryError(res, method, res.url);
}

