// The undici stack behind the HTTP seam. Not the default any more (node-http-client.ts is:
// see the README's benchmark section for the measured start-up and small-pull costs of
// undici), kept for library users who bring their own undici Dispatcher, for
// REGCTL_HTTP_STACK=undici, and for tests that stand in for Docker Hub with undici's MockAgent.
// undici itself is imported on first use, so merely loading this module costs nothing.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { networkError, readLimited, RecordHeaders, statusText, tlsConnectOptions, tlsKey, type HttpClient, type HttpRequest, type HttpResponse } from './http.js';
import { proxySettingsFrom } from './proxy-env.js';
import type { TlsOptions } from './tls.js';
import { bodyWindowMs, DEFAULT_TIMEOUT_MS, type TimeoutOptions } from './timeouts.js';

type Undici = typeof import('undici');

/** undici-backed client. One dispatcher per distinct TLS profile; proxies from the environment. */
export class UndiciHttpClient implements HttpClient {
  private readonly dispatchers = new Map<string, Dispatcher>();
  private undici: Promise<Undici> | undefined;

  /**
   * `dispatcher` replaces the network for every request (undici's MockAgent in tests);
   * `env` is where HTTP(S)_PROXY / NO_PROXY are read from (default process.env).
   */
  constructor(private readonly opts: { dispatcher?: Dispatcher; env?: NodeJS.ProcessEnv } & Pick<TimeoutOptions, 'timeoutMs'> = {}) {}

  private dispatcherFor(undici: Undici, tls: TlsOptions | undefined): Dispatcher {
    if (this.opts.dispatcher) return this.opts.dispatcher;
    const key = tlsKey(tls);
    let d = this.dispatchers.get(key);
    if (!d) {
      const connect = tlsConnectOptions(tls);
      // `connect` applies to direct connections, `requestTls` to TLS tunnelled through a proxy.
      // The same proxy variables as the node:http stack (proxy-env.ts). Empty strings (not
      // undefined) stop undici from falling back to process.env.
      const proxies = proxySettingsFrom(this.opts.env ?? process.env);
      d = new undici.EnvHttpProxyAgent({
        connect,
        requestTls: connect,
        keepAliveTimeout: 10_000,
        httpProxy: proxies.httpProxy?.href ?? '',
        httpsProxy: proxies.httpsProxy?.href ?? '',
        noProxy: proxies.noProxy,
      });
      this.dispatchers.set(key, d);
    }
    return d;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    this.undici ??= import('undici');
    const undici = await this.undici;
    const res = await undici
      .request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers ?? {},
        body: req.body as Dispatcher.DispatchOptions['body'],
        signal: req.signal,
        dispatcher: this.dispatcherFor(undici, req.tls),
        // undici's bodyTimeout is silence only: the byte-a-second cut is the node:http stack's.
        headersTimeout: req.headersTimeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        bodyTimeout: req.bodyTimeoutMs ?? bodyWindowMs(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      })
      .catch((err: unknown) => {
        throw networkError(err, req);
      });
    const body = res.body as unknown as Readable;
    return {
      status: res.statusCode,
      statusText: statusText(res.statusCode),
      url: req.url,
      headers: new RecordHeaders(res.headers),
      body,
      bytes: (limit = Number.MAX_SAFE_INTEGER) => readLimited(body, limit),
      text: async (limit = Number.MAX_SAFE_INTEGER) => (await readLimited(body, limit)).toString('utf8'),
      dump: async () => {
        await res.body.dump().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map((d) => d.close().catch(() => undefined)));
    this.dispatchers.clear();
  }
}
