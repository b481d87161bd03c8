// The HTTP seam: everything above it sees HttpRequest/HttpResponse and never the HTTP stack.
// Two stacks sit behind it: node-http-client.ts (node:http, the default: native parser, no
// start-up cost) and undici-http-client.ts (undici, opt-in and for undici's MockAgent in tests).
// default-http-client.ts picks one; issue 8's benchmark measures both.
import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { RegctlError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import type { TlsOptions } from './tls.js';

export type HttpBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: HttpBody;
  signal?: AbortSignal;
  /** TLS settings for this origin (certs.d CAs, client pair, insecure). */
  tls?: TlsOptions;
  /** Time to wait for the response headers; default 30 s. */
  headersTimeoutMs?: number;
  /** Longest silence while the body streams; default 60 s. */
  bodyTimeoutMs?: number;
}

export interface HttpHeaders {
  get(name: string): string | undefined;
  getAll(name: string): string[];
  /** Lower-cased names to values, for debug output (already safe: response headers carry no credentials we sent). */
  entries(): [string, string][];
}

export interface HttpResponse {
  status: number;
  statusText: string;
  url: string;
  headers: HttpHeaders;
  /** The body as a byte stream; consume it or call dump(). */
  body: Readable;
  text(limitBytes?: number): Promise<string>;
  bytes(limitBytes?: number): Promise<Buffer>;
  dump(): Promise<void>;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 413: 'Payload Too Large', 416: 'Range Not Satisfiable',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

/** Response headers from a name -> value(s) record (names already lower-cased). */
export class RecordHeaders implements HttpHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | undefined {
    const v = this.raw[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }
  getAll(name: string): string[] {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return [];
    return Array.isArray(v) ? v : [v];
  }
  entries(): [string, string][] {
    return Object.entries(this.raw).flatMap(([k, v]) =>
      v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
    );
  }
}

/** Reads at most `limit` bytes of a stream, then throws (the caller decides what "too large" means). */
export async function readLimited(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buf.length;
      if (total > limit) {
        body.destroy();
        throw new RegctlError('REGCTL_TOO_LARGE', `response body exceeds the limit of ${limit} bytes`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    // A connection dropped mid-body surfaces as the stack's raw socket error; type it.
    if (err instanceof RegctlError) throw err;
    const detail = ((err as { message?: string }).message ?? String(err)).split('\n')[0];
    throw new RegctlError('REGCTL_NETWORK', `connection lost while reading the response (${detail})`, { cause: err });
  }
  return Buffer.concat(chunks, total);
}

/** Node's TLS connection options for a profile: the same for both stacks, direct or tunnelled. */
export function tlsConnectOptions(tls: TlsOptions | undefined): ConnectionOptions {
  return {
    ...(tls?.ca ? { ca: tls.ca } : {}),
    ...(tls?.cert ? { cert: tls.cert } : {}),
    ...(tls?.key ? { key: tls.key } : {}),
    rejectUnauthorized: !(tls?.insecureSkipVerify ?? false),
  };
}

/** A key that tells TLS profiles apart (one connection pool per profile). */
export function tlsKey(tls: TlsOptions | undefined): string {
  if (!tls) return 'default';
  return JSON.stringify([tls.insecureSkipVerify ?? false, tls.ca ?? null, tls.cert ?? null, tls.key ?? null]);
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

/** Wraps a low-level failure into a typed error that keeps the errno/undici code for --debug. */
export function networkError(err: unknown, req: Pick<HttpRequest, 'method' | 'url' | 'signal'>): RegctlError {
  if (req.signal?.aborted) {
    return new RegctlError('REGCTL_ABORTED', 'operation aborted', { cause: err });
  }
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const detail = (e?.cause?.message ?? e?.message ?? String(err)).split('\n')[0];
  const where = `${req.method} ${redactUrl(req.url)}`;
  if (TLS_CODES.test(code) || /certificate|SSL routines|wrong version number/i.test(detail ?? '')) {
    return Object.assign(new RegctlError('REGCTL_TLS', `${where}: TLS error: ${detail}`, { cause: err }), { errno: code });
  }
  if (/TIMEOUT/.test(code)) {
    const hint = 'the server took the connection but did not answer in time; if it is only slow, wait longer with --timeout (REGCTL_TIMEOUT)';
    return Object.assign(new RegctlError('REGCTL_TIMEOUT', `${where}: timed out (${detail || code})`, { cause: err, hint }), { errno: code });
  }
  return Object.assign(new RegctlError('REGCTL_NETWORK', `${where}: ${detail}${code && !detail?.includes(code) ? ` (${code})` : ''}`, { cause: err }), { errno: code });
}
