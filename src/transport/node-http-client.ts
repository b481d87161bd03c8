// The default stack behind the HTTP seam: node:http/https with keep-alive pools.
// Why not undici (measured by `npm run bench`, figures in the README): node:http parses with
// Node's native llhttp, so there is no module to load (~0.1 s for undici) and no WebAssembly
// parser to compile on the first request (~0.13 s and ~35 MiB), which decides small pulls;
// and it moves large bodies with less CPU per byte.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { RegctlError } from '../errors.js';
import { ConnectionPools } from './connection-pools.js';
import { networkError, readLimited, RecordHeaders, statusText, type HttpClient, type HttpRequest, type HttpResponse } from './http.js';
import { proxyFor, proxySettingsFrom, type ProxySettings } from './proxy-env.js';
import { bodyWindowMs, DEFAULT_TIMEOUT_MS, MIN_PROGRESS_BYTES, waitingNoticeMs, type TimeoutOptions } from './timeouts.js';

/** A body left unread up to this size is drained so its connection can be reused; a longer one is cut. */
const DRAIN_LIMIT = 256 * 1024;

export class NodeHttpClient implements HttpClient {
  private readonly pools = new ConnectionPools();
  private readonly proxies: ProxySettings;
  private readonly timeoutMs: number;
  private readonly onWaiting: ((host: string) => void) | undefined;

  /** `env` is where HTTP(S)_PROXY / NO_PROXY are read from (default process.env); timeouts.ts has the rest. */
  constructor(opts: { env?: NodeJS.ProcessEnv } & TimeoutOptions = {}) {
    this.proxies = proxySettingsFrom(opts.env ?? process.env);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onWaiting = opts.onWaiting;
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (err) {
      return Promise.reject(networkError(err, req));
    }
    const agent = this.pools.agentFor(url, req.tls, proxyFor(url, this.proxies));
    const headers: Record<string, string> = { ...req.headers };
    let whole: string | Uint8Array | undefined;
    let stream: Readable | undefined;
    if (typeof req.body === 'string' || req.body instanceof Uint8Array) {
      whole = req.body;
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(whole));
    } else if (req.body) {
      stream = req.body instanceof Readable ? req.body : Readable.from(req.body, { objectMode: false });
    }
    const headersTimeoutMs = req.headersTimeoutMs ?? this.timeoutMs;
    const bodyTimeoutMs = req.bodyTimeoutMs ?? bodyWindowMs(this.timeoutMs);

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        clearTimeout(timer);
        clearTimeout(notice);
        if (settled) return;
        settled = true;
        // A RegctlError from the request body's source (a local check) keeps its type; anything
        // else becomes a typed network error with the original as its cause.
        reject(err instanceof RegctlError ? err : networkError(err, req));
      };
      let request: http.ClientRequest;
      try {
        request = (url.protocol === 'https:' ? https : http).request(url, {
          method: req.method,
          headers,
          agent,
          ...(req.signal ? { signal: req.signal } : {}),
        });
      } catch (err) {
        fail(err);
        return;
      }
      const timer = setTimeout(() => {
        request.destroy(timeoutError('ERR_HTTP_HEADERS_TIMEOUT', `no response within ${duration(headersTimeoutMs)}`));
      }, headersTimeoutMs);
      const onWaiting = this.onWaiting;
      const notice = onWaiting ? setTimeout(() => onWaiting(url.host), waitingNoticeMs(headersTimeoutMs)) : undefined;
      request.once('error', fail);
      request.once('response', (res: http.IncomingMessage) => {
        clearTimeout(timer);
        clearTimeout(notice);
        if (settled) {
          res.destroy();
          return;
        }
        settled = true;
        watchProgress(res, bodyTimeoutMs);
        resolve(wrapResponse(req, res));
      });
      if (stream) {
        // After an early response (401, 413, ...) the rest of the upload is moot; its error is not ours.
        pipeline(stream, request).catch((err: unknown) => {
          fail(err);
          request.destroy();
        });
      } else {
        request.end(whole);
      }
    });
  }

  async close(): Promise<void> {
    this.pools.close();
  }
}

/**
 * Cuts a body that stalls: less than MIN_PROGRESS_BYTES reached the socket in a window. A body
 * fully received, or waiting unread in the stream's buffer (the reader is slow, not the server),
 * is no stall. Counting bytes rather than silence also cuts a server that trickles a byte a second.
 */
function watchProgress(res: http.IncomingMessage, windowMs: number): void {
  const socket = res.socket;
  let last = socket?.bytesRead ?? 0;
  const check = setInterval(() => {
    const now = socket?.bytesRead ?? 0;
    const stalled = now - last < MIN_PROGRESS_BYTES && !res.complete && res.readableLength === 0;
    last = now;
    if (stalled) res.destroy(timeoutError('ERR_HTTP_BODY_TIMEOUT', `response stalled: less than ${MIN_PROGRESS_BYTES} bytes in ${duration(windowMs)}`));
  }, windowMs);
  // A watchdog never keeps the process alive: a body a writer skipped unread (the blob appeared
  // meanwhile) would otherwise hold the event loop until the next check, 60 s by default.
  check.unref();
  const stop = () => clearInterval(check);
  res.once('end', stop);
  res.once('close', stop);
  res.once('error', stop);
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function timeoutError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function wrapResponse(req: HttpRequest, res: http.IncomingMessage): HttpResponse {
  const status = res.statusCode ?? 0;
  return {
    status,
    statusText: statusText(status) || (res.statusMessage ?? ''),
    url: req.url,
    headers: new RecordHeaders(headerRecord(res.rawHeaders)),
    body: res,
    bytes: (limit = Number.MAX_SAFE_INTEGER) => readLimited(res, limit),
    text: async (limit = Number.MAX_SAFE_INTEGER) => (await readLimited(res, limit)).toString('utf8'),
    dump: () => dump(req.method, status, res),
  };
}

/** Every value of every header, names lower-cased (node's res.headers joins or drops repeats). */
function headerRecord(raw: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

async function dump(method: string, status: number, res: http.IncomingMessage): Promise<void> {
  if (res.readableEnded || res.destroyed) return;
  const length = Number(res.headers['content-length']);
  const bodyless = method === 'HEAD' || status === 204 || status === 304;
  if (bodyless || (Number.isFinite(length) && length <= DRAIN_LIMIT)) {
    res.resume();
    await finished(res).catch(() => undefined);
  } else {
    res.destroy();
  }
}
