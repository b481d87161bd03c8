// Small helpers for the embedded registry's responses: distribution's JSON error shape,
// body reading with a cap, and pagination links.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const API_VERSION_HEADER = { 'docker-distribution-api-version': 'registry/2.0' };

/** distribution's error codes and their statuses. */
export const ERROR_STATUS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNSUPPORTED: 405,
  PAGINATION_NUMBER_INVALID: 400,
  RANGE_INVALID: 416,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
    readonly status: number = ERROR_STATUS[code],
  ) {
    super(message);
  }
}

export function sendError(res: ServerResponse, err: HttpError, head: boolean): void {
  const body = JSON.stringify({ errors: [{ code: err.code, message: err.message, ...(err.detail !== undefined ? { detail: err.detail } : {}) }] });
  res.writeHead(err.status, { ...API_VERSION_HEADER, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...API_VERSION_HEADER, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { ...API_VERSION_HEADER, 'content-length': 0, ...headers });
  res.end();
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new HttpError('SIZE_INVALID', `body exceeds ${limit} bytes`, undefined, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `n` and `last` of a list request, and the page plus the Link header for the next one. */
export function paginate(all: string[], query: URLSearchParams, basePath: string): { page: string[]; link?: string } {
  const nRaw = query.get('n');
  const last = query.get('last') ?? '';
  let list = last ? all.filter((x) => x > last) : all;
  if (nRaw === null || nRaw === '') return { page: list };
  const n = Number(nRaw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError('PAGINATION_NUMBER_INVALID', `invalid number of results requested: ${nRaw}`);
  const more = list.length > n;
  list = list.slice(0, n);
  if (!more || list.length === 0) return { page: list };
  const next = new URLSearchParams({ n: String(n), last: list[list.length - 1]! });
  return { page: list, link: `<${basePath}?${next.toString()}>; rel="next"` };
}
