// How long regctl waits on a registry (or its token server) that does not answer. One knob,
// `timeoutMs` (`--timeout`, REGCTL_TIMEOUT): the response headers must arrive within it, and
// a body must keep delivering (at least MIN_PROGRESS_BYTES per twice that window, so a server
// trickling a byte a second is cut too). A request that got no answer in time is not retried
// (retry.ts isNoAnswer): a registry silent for 30 s is not coming back within the next attempt,
// and four attempts of three pings each made a silent registry cost ~12 minutes. The worst case
// is then one timeout, or two where HTTPS falls back to HTTP (loopback and insecure registries).
import { UsageError } from '../errors.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** A body window with less than this is stalled (a byte a second is 60 bytes a minute). */
export const MIN_PROGRESS_BYTES = 1024;

/** After this long without response headers, onWaiting is told (the CLI shows `Waiting for HOST…`). */
export const WAITING_NOTICE_MS = 5_000;

/** When to tell onWaiting: after WAITING_NOTICE_MS, or half the timeout when that is shorter. */
export function waitingNoticeMs(timeoutMs: number): number {
  return Math.min(WAITING_NOTICE_MS, timeoutMs / 2);
}

export interface TimeoutOptions {
  /** Response headers within this; a body may not stall for twice this. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Called once per request still waiting for its response headers after waitingNoticeMs(timeoutMs). */
  onWaiting?: (host: string) => void;
}

/** The body's stall window for a given timeout (docker-sized: a minute at the default). */
export function bodyWindowMs(timeoutMs: number): number {
  return 2 * timeoutMs;
}

/**
 * `--timeout` / REGCTL_TIMEOUT: `30s`, `2m`, `500ms`, or bare seconds (`45`). Zero and negative
 * values are refused: there is no "wait for ever" (an AbortSignal does that for the library).
 */
export function parseTimeout(text: string, from = '--timeout'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  const value = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm'] : NaN;
  if (!Number.isFinite(value) || value < 1) {
    throw new UsageError(`invalid ${from} value ${JSON.stringify(text)}: expected a duration such as 30s, 2m or 500ms`);
  }
  return Math.round(value);
}
