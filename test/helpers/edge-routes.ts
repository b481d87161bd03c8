// Registry-shaped responses for edge-server routes.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { EdgeHandler } from './edge-server.js';

export const digestOf = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers }).end(bytes);
}

/** A distribution-style error body: `{"errors":[{"code","message","detail"}]}`. */
export function registryError(status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): EdgeHandler {
  return (_req, res) => sendJson(res, status, { errors: [{ code, message, detail: null }] }, headers);
}

/** Plain bytes with a content type (non-JSON errors, HTML from a proxy, ...). */
export function raw(status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain' }): EdgeHandler {
  return (_req, res) => {
    res.writeHead(status, headers).end(body);
  };
}

/** Serves `bytes` as a manifest with its digest header (pass a wrong `claimedDigest` to lie). */
export function manifest(bytes: Buffer | string, mediaType: string, claimedDigest = digestOf(bytes)): EdgeHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': mediaType, 'content-length': Buffer.byteLength(bytes), 'docker-content-digest': claimedDigest });
    res.end(bytes);
  };
}

export function blob(bytes: Buffer | string): EdgeHandler {
  return raw(200, bytes, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(bytes), 'docker-content-digest': digestOf(bytes) });
}

export function redirect(location: string, status = 307): EdgeHandler {
  return (_req, res) => {
    res.writeHead(status, { location }).end();
  };
}

/** 401 with a Bearer challenge (registry style). */
export function bearerChallenge(realm: string, service: string, scope?: string, error?: string): EdgeHandler {
  const params = [`realm="${realm}"`, `service="${service}"`, scope && `scope="${scope}"`, error && `error="${error}"`].filter(Boolean);
  return registryError(401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': `Bearer ${params.join(',')}` });
}

/** The nth request gets the nth handler; the last one repeats (e.g. 503, 503, then 200). */
export function sequence(...handlers: EdgeHandler[]): EdgeHandler {
  return (req, res) => handlers[Math.min(req.hit, handlers.length) - 1]!(req, res);
}

/**
 * GET /v2/<repo>/tags/list in pages of `pageSize` (the client's `n` if smaller),
 * with `Link: </v2/<repo>/tags/list?last=X&n=N>; rel="next"` until the end, as
 * registries that paginate do (distribution 2.8 does not, so this lives here).
 */
export function tagPages(repository: string, tags: readonly string[], pageSize: number): EdgeHandler {
  const sorted = [...tags].sort();
  return (req, res) => {
    const n = Math.min(Number(req.url.searchParams.get('n') ?? pageSize) || pageSize, pageSize);
    const last = req.url.searchParams.get('last');
    const start = last === null ? 0 : sorted.findIndex((t) => t > last);
    const page = start < 0 ? [] : sorted.slice(start, start + n);
    const headers: http.OutgoingHttpHeaders = {};
    if (start >= 0 && start + n < sorted.length) {
      headers.link = `</v2/${repository}/tags/list?last=${encodeURIComponent(page.at(-1)!)}&n=${n}>; rel="next"`;
    }
    sendJson(res, 200, { name: repository, tags: page }, headers);
  };
}
