// A failed registry response as one typed error (shaped like ggcr's transport.Error), rendered
// the way docker renders registry errors so users see familiar texts.

import { STATUS_CODES } from 'node:http';
import { RegctlError, type RegctlErrorCode } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { findChallenge, parseChallenges } from './challenge.js';
import { parseRateLimit, type RateLimit } from './rate-limit.js';
import { isRetryableStatus, parseRetryAfter } from './retry.js';

/** Anything with a fetch-like `get`: undici/fetch Headers, or a test double. */
export interface HeaderGetter {
  get(name: string): string | null | undefined;
}

export type { RateLimit };
export { parseRateLimit };

export interface RegistryErrorEntry {
  /** Spec codes such as MANIFEST_UNKNOWN, DENIED, TOOMANYREQUESTS; 'UNKNOWN' for a text body. */
  code: string;
  message: string;
  detail?: unknown;
}

export interface RegistryErrorInit {
  status: number;
  statusText?: string;
  method: string;
  /** Redacted by the constructor; passing an already redacted URL is fine. */
  url: string;
  /** Errors from the JSON body. */
  errors?: RegistryErrorEntry[];
  /** A short printable non-JSON body, kept as one UNKNOWN entry. */
  bodyText?: string;
  retryAfterMs?: number;
  rateLimit?: RateLimit;
  challengeError?: string;
  cause?: unknown;
}

/** Codes that say "try again later" whatever the status (ggcr's temporary codes). */
const TEMPORARY_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE', 'UNKNOWN']);
const MAX_BODY_BYTES = 64 * 1024;
const MAX_TEXT_CHARS = 200;

/** docker's errcode rendering: `MANIFEST_UNKNOWN` -> `manifest unknown: <message>`. */
export function formatRegistryErrorEntry(e: RegistryErrorEntry): string {
  const code = e.code.toLowerCase().replace(/_/g, ' ');
  return e.message === '' ? code : `${code}: ${e.message}`;
}

function statusLine(status: number, statusText: string | undefined): string {
  const text = statusText?.trim() || STATUS_CODES[status] || '';
  return text === '' ? `${status}` : `${status} ${text}`;
}

function renderMessage(init: RegistryErrorInit, jsonErrors: RegistryErrorEntry[]): string {
  if (jsonErrors.length === 1) return formatRegistryErrorEntry(jsonErrors[0]!);
  if (jsonErrors.length > 1) return `errors:\n${jsonErrors.map(formatRegistryErrorEntry).join('\n')}\n`;
  const line = statusLine(init.status, init.statusText);
  if (init.bodyText) return `${line}: ${init.bodyText}`;
  if (init.method.toUpperCase() === 'HEAD') return `${line} (HEAD responses carry no body)`;
  return line;
}

function codeFromEntry(code: string): RegctlErrorCode | undefined {
  const c = code.toUpperCase();
  if (c === 'UNAUTHORIZED') return 'REGCTL_UNAUTHORIZED';
  if (c === 'DENIED') return 'REGCTL_DENIED';
  if (c === 'TOOMANYREQUESTS') return 'REGCTL_RATE_LIMITED';
  if (c.endsWith('_UNKNOWN')) return 'REGCTL_NOT_FOUND';
  return undefined;
}

function codeFromStatus(status: number): RegctlErrorCode {
  if (status === 401) return 'REGCTL_UNAUTHORIZED';
  if (status === 403) return 'REGCTL_DENIED';
  if (status === 404) return 'REGCTL_NOT_FOUND';
  if (status === 429) return 'REGCTL_RATE_LIMITED';
  return 'REGCTL_REGISTRY';
}

/**
 * The registry's own error code is more precise than the status (Hub answers 401 UNAUTHORIZED
 * for a repository that does not exist), so the first JSON code that maps wins; else the status.
 */
export function registryErrorCode(status: number, errors: readonly RegistryErrorEntry[]): RegctlErrorCode {
  for (const e of errors) {
    const mapped = codeFromEntry(e.code);
    if (mapped) return mapped;
  }
  return codeFromStatus(status);
}

/**
 * Worth retrying: 408/429/500/502/503/504, or JSON errors that are all temporary codes. Never
 * for 401/403/404, whatever the body says; a text body (kept as UNKNOWN) does not count.
 */
function isTemporary(status: number, jsonErrors: readonly RegistryErrorEntry[]): boolean {
  if (status === 401 || status === 403 || status === 404) return false;
  if (isRetryableStatus(status)) return true;
  return jsonErrors.length > 0 && jsonErrors.every((e) => TEMPORARY_CODES.has(e.code.toUpperCase()));
}

export class RegistryError extends RegctlError {
  readonly status: number;
  readonly method: string;
  /** Redacted: no userinfo, no secret query values. */
  readonly url: string;
  readonly errors: RegistryErrorEntry[];
  readonly temporary: boolean;
  readonly retryAfterMs: number | undefined;
  readonly rateLimit: RateLimit | undefined;
  /** The `error=` parameter of the WWW-Authenticate challenge, e.g. 'insufficient_scope'. */
  readonly challengeError: string | undefined;

  constructor(init: RegistryErrorInit) {
    const jsonErrors = init.errors ?? [];
    super(registryErrorCode(init.status, jsonErrors), renderMessage(init, jsonErrors), { cause: init.cause });
    this.name = 'RegistryError';
    this.status = init.status;
    this.method = init.method.toUpperCase();
    this.url = redactUrl(init.url);
    this.errors =
      jsonErrors.length > 0 ? jsonErrors : init.bodyText ? [{ code: 'UNKNOWN', message: init.bodyText }] : [];
    this.temporary = isTemporary(init.status, jsonErrors);
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimit = init.rateLimit;
    this.challengeError = init.challengeError;
  }
}

/** A registry's message stays on one line: a CR or LF in it could forge a second `Error:` line. */
function oneLine(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

function toEntry(raw: unknown): RegistryErrorEntry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { code, message, detail } = raw as { code?: unknown; message?: unknown; detail?: unknown };
  const entry: RegistryErrorEntry = {
    code: typeof code === 'string' && code !== '' ? code : 'UNKNOWN',
    message: oneLine(typeof message === 'string' ? message : message === undefined ? '' : JSON.stringify(message)),
  };
  if (detail !== undefined) entry.detail = detail;
  return entry;
}

/**
 * The spec's `{"errors":[...]}`, or the `{"message": ...}` / `{"error": ...}` bodies some token
 * servers and proxies send (returned as text: they carry no registry code). Undefined when the
 * text is not a JSON object.
 */
function parseJsonBody(text: string): { errors: RegistryErrorEntry[] } | { text: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { errors, message, error } = body as { errors?: unknown; message?: unknown; error?: unknown };
  if (Array.isArray(errors)) {
    const list = errors.map(toEntry).filter((e): e is RegistryErrorEntry => e !== undefined);
    return { errors: list };
  }
  const single = typeof message === 'string' ? message : typeof error === 'string' ? error : undefined;
  // JSON that says nothing (`{"errors":[]}`, `{"foo":1}`) is not worth showing.
  return single === undefined ? { errors: [] } : { text: single };
}

/** A non-JSON body is shown only if it is short printable text, not an HTML error page. */
function usableText(text: string): string | undefined {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t === '' || t.length > MAX_TEXT_CHARS || t.startsWith('<')) return undefined;
  if (/[\u0000-\u001f\u007f-\u009f\ufffd]/.test(t)) return undefined;
  return t;
}

/** Pure constructor from an already-read body: what readRegistryError does after reading. */
export function registryErrorFrom(
  status: number,
  statusText: string | undefined,
  headers: HeaderGetter,
  bodyText: string | undefined,
  method: string,
  url: string,
): RegistryError {
  const init: RegistryErrorInit = { status, method, url };
  if (statusText) init.statusText = statusText;
  const raw = bodyText ?? '';
  const json = raw.trim() === '' ? undefined : parseJsonBody(raw);
  if (json && 'errors' in json) {
    init.errors = json.errors;
  } else {
    const usable = usableText(json ? json.text : raw);
    if (usable !== undefined) init.bodyText = usable;
  }
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;
  const rateLimit = parseRateLimit(headers);
  if (rateLimit) init.rateLimit = rateLimit;
  const challengeError = challengeErrorOf(headers.get('www-authenticate'));
  if (challengeError !== undefined) init.challengeError = challengeError;
  return new RegistryError(init);
}

function challengeErrorOf(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const challenges = parseChallenges(header);
  const bearer = findChallenge(challenges, 'bearer');
  return bearer?.params['error'] ?? challenges.find((c) => c.params['error'] !== undefined)?.params['error'];
}

/**
 * Reads at most 64 KiB of an error body (an error page must not cost a 1 GiB download), then
 * stops the iteration, which closes/cancels the underlying stream. A body that fails mid-read
 * keeps what arrived.
 */
export async function readBodyPrefix(
  body: AsyncIterable<Uint8Array> | null | undefined,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const raw of body as AsyncIterable<Uint8Array | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw; // a Readable with setEncoding()
      const take = Math.min(chunk.byteLength, maxBytes - total);
      chunks.push(take === chunk.byteLength ? chunk : chunk.subarray(0, take));
      total += take;
      if (total >= maxBytes) break; // `break` calls the iterator's return(): the rest is discarded
    }
  } catch {
    // The status already says what went wrong; a broken error body adds nothing.
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks, total));
}

export interface ErrorResponse {
  status: number;
  statusText?: string;
  headers: HeaderGetter;
  body?: AsyncIterable<Uint8Array> | null;
}

/** Turns a failed response into a RegistryError, reading (a bounded part of) its body. */
export async function readRegistryError(res: ErrorResponse, method: string, url: string): Promise<RegistryError> {
  // Read even for HEAD: an unconsumed body would pin the connection (it is empty anyway).
  const text = await readBodyPrefix(res.body);
  return registryErrorFrom(res.status, res.statusText, res.headers, text, method, url);
}
