// The remote side of the store interface: one object per process that owns the HTTP
// client and one RegistryTransport per registry (so pings, credentials and tokens are
// shared by every request to that registry).
import { apiHost } from '../../reference/hosts.js';
import { UndiciHttpClient, type HttpClient, type HttpRequest, type HttpResponse } from '../../transport/http.js';
import { isLoopbackRegistry, isMarkedInsecure } from '../../transport/insecure.js';
import { RegistryTransport, type RetryInfo } from '../../transport/registry-transport.js';
import { loadRegistryTls } from '../../transport/tls.js';
import { TokenCache, type Credential } from '../../transport/token.js';
import { redactUrl } from '../../util/redact.js';

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
}

export class RemoteRegistry {
  private readonly transports = new Map<string, RegistryTransport>();
  private readonly http: HttpClient;
  private readonly tokens = new TokenCache();

  constructor(private readonly opts: RemoteOptions = {}) {
    this.http = opts.http ?? new UndiciHttpClient(opts.env ? { env: opts.env } : {});
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
        allowHttp: insecure || isLoopbackRegistry(registry),
        insecure,
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

  async close(): Promise<void> {
    await this.http.close();
  }
}
