// Docker Hub's pull-quota headers (`ratelimit-limit: 100;w=21600`, `ratelimit-remaining`,
// `ratelimit-reset`, `docker-ratelimit-source`), read from any registry response.
import type { HeaderGetter } from './registry-error.js';

export interface RateLimit {
  limit?: number;
  remaining?: number;
  /** Seconds until the window resets, from `ratelimit-reset`. */
  reset?: number;
  /** Window length in seconds, from the `;w=` parameter (Docker Hub: 21600). */
  windowSeconds?: number;
  /** What the quota is counted against (`docker-ratelimit-source`): an IP address when anonymous, else an account. */
  source?: string;
}

/** `100;w=21600` -> { value: 100, window: 21600 }. */
function parseRateLimitValue(v: string | null | undefined): { value?: number; window?: number } {
  if (!v) return {};
  const [head, ...params] = v.split(';');
  const out: { value?: number; window?: number } = {};
  const n = Number(head!.trim());
  if (head!.trim() !== '' && Number.isFinite(n)) out.value = n;
  for (const p of params) {
    const m = /^\s*w\s*=\s*(\d+)\s*$/i.exec(p);
    if (m) out.window = Number(m[1]);
  }
  return out;
}

/** Docker Hub's quota headers; undefined when the response has none. */
export function parseRateLimit(headers: HeaderGetter): RateLimit | undefined {
  const limit = parseRateLimitValue(headers.get('ratelimit-limit'));
  const remaining = parseRateLimitValue(headers.get('ratelimit-remaining'));
  const reset = parseRateLimitValue(headers.get('ratelimit-reset'));
  const rl: RateLimit = {};
  if (limit.value !== undefined) rl.limit = limit.value;
  if (remaining.value !== undefined) rl.remaining = remaining.value;
  if (reset.value !== undefined) rl.reset = reset.value;
  const windowSeconds = limit.window ?? remaining.window;
  if (windowSeconds !== undefined) rl.windowSeconds = windowSeconds;
  if (Object.keys(rl).length === 0) return undefined;
  // The source alone says nothing about a quota, so it only comes with the numbers.
  const source = headers.get('docker-ratelimit-source')?.trim();
  if (source) rl.source = source;
  return rl;
}
