// The remote side of the store interface: one object per process that owns the HTTP
// client and one RegistryTransport per registry (so pings, credentials and tokens are
// shared by every request to that registry).
import { apiHost, isLoopbackHost } from '../../reference/hosts.js';
import { createHttpClient } from '../../transport/default-http-client.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../transport/http.js';
import { isMarkedInsecure } from '../../transport/insecure.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { RegistryTransport, type RegistryRequest, type RetryInfo } from '../../transport/registry-transport.js';
import { loadRegistryTls } from '../../transport/tls.js';
import { TokenCache, type Credential } from '../../transport/token.js';
import { redactUrl } from '../../util/redact.js';
import type { MirrorEndpoint } from './mirror-endpoint.js';
import { firstServing, MirrorRouter, type MirrorTable, type ReadAttempt, type ReadFailure } from './mirror-router.js';

export const USER_AGENT = `regctl/0.1.0 (node ${process.version}; ${process.platform})`;

export interface RemoteOptions {
  /** Resolves stored credentials for a registry (`docker.io`, `host:port`). */
  credentials?: (registry: string) => Promise<Credential | undefined>;
  /** `--insecure-registry` / daemon.json `insecure-registries` entries: host[:port] or CIDR. */
  insecureRegistries?: readonly string[];
  /** certs.d directories; defaults to docker's and regctl's. */
  certsDirs?: string[];
  userAgent?: string;
  debug?: (line: string) => void;
  onRetry?: (registry: string, info: RetryInfo) => void;
  /** The HTTP seam; tests may inject their own. */
  http?: HttpClient;
  /** Environment for HTTP(S)_PROXY / NO_PROXY (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Attempts for retryable failures; default 4. */
  attempts?: number;
  /** Read-only mirrors per registry name, tried in order before the registry itself. */
  mirrors?: MirrorTable;
  /** How long a silent registry or token server is waited on (transport/timeouts.ts); default 30 s. */
  timeoutMs?: number;
  /** A request still waiting for its answer after a few seconds (the CLI shows `Waiting for HOST…`). */
  onWaiting?: (host: string) => void;
}

/** Which endpoint served one mirrored read (only reported for registries that have mirrors). */
export interface MirrorReadEvent {
  registry: string;
  path: string;
  endpoint: string;
  mirror: boolean;
  failures: ReadFailure[];
}

export class RemoteRegistry {
  private readonly transports = new Map<string, RegistryTransport>();
  private readonly http: HttpClient;
  private readonly tokens = new TokenCache();
  private readonly router: MirrorRouter;
  private readonly mirrorListeners = new Set<(e: MirrorReadEvent) => void>();

  constructor(private readonly opts: RemoteOptions = {}) {
    this.http =
      opts.http ??
      createHttpClient({
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}),
      });
    this.router = new MirrorRouter(opts.mirrors ?? {});
  }

  mirrorsFor(registry: string): readonly MirrorEndpoint[] {
    return this.router.mirrorsFor(registry);
  }

  /** A line for the caller's debug log (RemoteOptions.debug); the library itself never prints. */
  debug(line: string): void {
    this.opts.debug?.(line);
  }

  /** Subscribes to "who served this read" reports; returns the unsubscribe function. */
  onMirrorRead(listener: (e: MirrorReadEvent) => void): () => void {
    this.mirrorListeners.add(listener);
    return () => this.mirrorListeners.delete(listener);
  }

  /**
   * A read (manifest or blob GET) that mirrors may serve: each mirror in order, then the
   * registry. Returns a response whose status passed `ok`, or throws the registry's error
   * (listing every endpoint tried when mirrors were tried first).
   */
  async read(registry: string, req: RegistryRequest, ok: (status: number) => boolean): Promise<HttpResponse> {
    const upstream: ReadAttempt = { label: apiHost(registry), mirror: false, send: () => this.transport(registry).request(req) };
    const mirrors = this.router.mirrorsFor(registry);
    if (mirrors.length === 0) {
      const res = await upstream.send();
      if (!ok(res.status)) throw await readRegistryError(res, req.method, res.url);
      return res;
    }
    const attempts = [...mirrors.map((m): ReadAttempt => ({ label: m.url, mirror: true, send: () => this.mirrorTransport(m).request(req) })), upstream];
    const { res, served, failures } = await firstServing(attempts, req.method, ok);
    this.opts.debug?.(`${registry}: ${req.method} ${req.path} served by ${served.label}`);
    for (const l of this.mirrorListeners) l({ registry, path: req.path, endpoint: served.label, mirror: served.mirror, failures });
    return res;
  }

  /**
   * One transport per mirror: its own host for certs.d, insecure-registries and stored
   * credentials (a registry's credentials are never sent to its mirror), the scheme its URL
   * names, and a single attempt, since falling back to the next endpoint is the retry.
   */
  private mirrorTransport(m: MirrorEndpoint): RegistryTransport {
    const key = `mirror+${m.url}`;
    let t = this.transports.get(key);
    if (!t) {
      const insecure = isMarkedInsecure(m.host, this.opts.insecureRegistries ?? []);
      const o = this.opts;
      t = new RegistryTransport(m.host, {
        http: this.http,
        apiHost: m.host,
        scheme: m.scheme,
        ...(o.credentials ? { credential: () => o.credentials!(m.host) } : {}),
        // As for registries (and docker's default 127.0.0.0/8 insecure range): loopback may fall back to HTTP.
        allowHttp: m.scheme === 'http' || insecure || isLoopbackHost(m.host),
        insecure,
        isHttpAllowed: (host) => this.isHttpAllowed(host),
        tls: () => loadRegistryTls(m.host, { ...(o.certsDirs ? { certsDirs: o.certsDirs } : {}), insecure }),
        userAgent: o.userAgent ?? USER_AGENT,
        tokenCache: this.tokens,
        ...(o.debug ? { debug: o.debug } : {}),
        attempts: 1,
      });
      this.transports.set(key, t);
    }
    return t;
  }

  /** Plain HTTP to `host[:port]`: loopback, or marked insecure (also asked for token realms). */
  private isHttpAllowed(host: string): boolean {
    return isLoopbackHost(host) || isMarkedInsecure(host, this.opts.insecureRegistries ?? []);
  }

  transport(registry: string): RegistryTransport {
    let t = this.transports.get(registry);
    if (!t) {
      const insecure = isMarkedInsecure(registry, this.opts.insecureRegistries ?? []);
      const o = this.opts;
      t = new RegistryTransport(registry, {
        http: this.http,
        apiHost: apiHost(registry),
        ...(o.credentials ? { credential: () => o.credentials!(registry) } : {}),
        allowHttp: insecure || isLoopbackHost(registry),
        insecure,
        isHttpAllowed: (host) => this.isHttpAllowed(host),
        tls: () => loadRegistryTls(registry, { ...(o.certsDirs ? { certsDirs: o.certsDirs } : {}), insecure }),
        userAgent: o.userAgent ?? USER_AGENT,
        tokenCache: this.tokens,
        ...(o.debug ? { debug: o.debug } : {}),
        ...(o.onRetry ? { onRetry: (info: RetryInfo) => o.onRetry!(registry, info) } : {}),
        ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
      });
      this.transports.set(registry, t);
    }
    return t;
  }

  /**
   * One request outside any registry's auth flow, for public endpoints that are not a v2 API
   * (Docker Hub's v1 search on index.docker.io). Same HTTP client, proxy settings and user agent.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.http.send({ ...req, headers: { 'user-agent': this.opts.userAgent ?? USER_AGENT, ...req.headers } });
    this.opts.debug?.(`${req.method} ${redactUrl(req.url)} -> ${res.status}`);
    return res;
  }

  /** Attempts per request the caller asked for (undefined: each request kind's default). */
  get attempts(): number | undefined {
    return this.opts.attempts;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
