// Retry policy: which failures are worth another attempt, how long to wait, and a bounded loop
// that honours Retry-After and aborts promptly. No I/O here except the timer in the default sleep.

import { RegctlError } from '../errors.js';

const IMF_FIXDATE = /^[a-z]{3}, \d{2} [a-z]{3} \d{4} \d{2}:\d{2}:\d{2} gmt$/i;
const RFC850_DATE = /^[a-z]{6,9}, \d{2}-[a-z]{3}-\d{2} \d{2}:\d{2}:\d{2} gmt$/i;
const ASCTIME_DATE = /^[a-z]{3} [a-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/i;

/** The three HTTP-date forms (RFC 9110 §5.6.7); Date.parse alone accepts far too much ("foo 1"). */
function parseHttpDate(value: string): number | undefined {
  let text: string;
  if (IMF_FIXDATE.test(value) || RFC850_DATE.test(value)) text = value;
  else if (ASCTIME_DATE.test(value)) text = `${value} GMT`; // asctime has no zone but means GMT
  else return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date; a date in the past
 * gives 0. Undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = parseHttpDate(v);
  return at === undefined ? undefined : Math.max(0, at - now);
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Injectable for tests; must return [0, 1). */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (a random delay in [0, min(max, base * 2^(attempt-1))) ),
 * so that many clients failing together do not retry in lockstep. `attempt` is 1 for the
 * wait after the first failure.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 200, maxMs = 10_000, random = Math.random } = options;
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(maxMs, baseMs * 2 ** (n - 1));
  return Math.floor(random() * ceiling);
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Statuses that may succeed when repeated. 401/403/404 never do (and 501/505 are permanent by
 * definition), so they are deliberately absent.
 */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Transient socket-level failures. ECONNREFUSED is included: the usual cause is a registry or
 * proxy that is restarting, and the attempt bound of withRetry keeps a registry that is really
 * down to a couple of short waits (about 1.4 s at the defaults). ENOTFOUND is not retried
 * (a wrong host name does not heal), EAI_AGAIN (temporary DNS failure) is. TLS errors are never
 * retried.
 */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  // node-http-client.ts's own timeouts.
  'ERR_HTTP_HEADERS_TIMEOUT',
  'ERR_HTTP_BODY_TIMEOUT',
]);

function isAbort(e: object): boolean {
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED';
}

/**
 * True when the error, or anything in its `cause` chain (fetch wraps socket errors as
 * `TypeError: fetch failed` with the real one as cause) or inside an AggregateError (happy
 * eyeballs), carries a retryable network code, or is a per-request timeout. Aborts are never
 * retryable (the caller's own signal is checked separately by withRetry).
 */
export function isRetryableNetworkError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e) || depth > 8) return false;
    seen.add(e);
    if (isAbort(e)) return false;
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) return true;
    // AbortSignal.timeout() (a per-request timeout) rejects with a TimeoutError DOMException.
    if ((e as { name?: unknown }).name === 'TimeoutError') return true;
    if (Array.isArray(errors) && errors.some((x) => visit(x, depth + 1))) return true;
    return visit(cause, depth + 1);
  };
  return visit(err, 0);
}

/**
 * A request the server never answered within the timeout (no response headers): not worth
 * another attempt (timeouts.ts), unlike a body that stalled after progress, which resumes.
 */
export function isNoAnswer(err: unknown): boolean {
  const { errno, code } = (err ?? {}) as { errno?: unknown; code?: unknown };
  return code === 'REGCTL_TIMEOUT' && (errno === 'ERR_HTTP_HEADERS_TIMEOUT' || errno === 'UND_ERR_HEADERS_TIMEOUT');
}

export interface RetryDecision {
  retry: boolean;
  /** Server-requested wait (Retry-After); when absent, exponential backoff is used. */
  delayMs?: number;
  /** Short text for onRetry; defaults to the error's code and message. */
  reason?: string;
}

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  reason: string;
  error: unknown;
}

export interface RetryOptions extends BackoffOptions {
  /** Total attempts including the first; default 4. */
  attempts?: number;
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
  shouldRetry: (err: unknown) => RetryDecision;
  /** Longest server-requested wait we accept; default 60 s. A longer Retry-After ends retrying. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

function abortedError(signal: AbortSignal): RegctlError {
  return new RegctlError('REGCTL_ABORTED', 'operation aborted', { cause: signal.reason });
}

/** setTimeout as a promise that rejects with REGCTL_ABORTED as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message.split('\n')[0]! : String(err);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

/**
 * Runs fn until it succeeds, shouldRetry declines, or `attempts` are used up; the last error is
 * rethrown as is. Waits honour a server-requested delay up to maxRetryAfterMs; a longer one
 * (Docker Hub's quota reset is hours away) is not worth sleeping on, so the error is rethrown
 * at once and carries the wait for the user. Abort at any point -> RegctlError REGCTL_ABORTED.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal, onRetry, shouldRetry, maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS } = options;
  const attempts = Math.max(1, Math.floor(options.attempts ?? 4));
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortedError(signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (signal?.aborted) throw abortedError(signal);
      if (attempt >= attempts) throw err;
      const decision = shouldRetry(err);
      if (!decision.retry) throw err;
      let delayMs: number;
      if (decision.delayMs !== undefined && Number.isFinite(decision.delayMs)) {
        if (decision.delayMs > maxRetryAfterMs) throw err;
        delayMs = Math.max(0, decision.delayMs);
      } else {
        delayMs = backoffDelay(attempt, options);
      }
      onRetry?.({ attempt, delayMs, reason: decision.reason ?? describe(err), error: err });
      await wait(delayMs, signal);
      if (signal?.aborted) throw abortedError(signal);
    }
  }
}
