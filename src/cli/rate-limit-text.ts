// Words for Docker Hub's pull quota, shared by `regctl ratelimit` and the 429 hint: window and
// reset as short durations ("6h", "1h30m"), and whom the quota is counted against (Hub sends
// the client's IP address for anonymous pulls, an account id otherwise).
import { isIP } from 'node:net';
import type { RateLimit } from '../transport/rate-limit.js';

/** 21600 -> "6h", 5400 -> "1h30m", 90 -> "1m30s", 0 -> "0s". */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', r || s === 0 ? `${r}s` : ''];
  return parts.join('');
}

/** Anonymous quotas are counted per IP address (an IPv6 /64); authenticated ones per account. */
export function isAnonymousSource(source: string | undefined): boolean {
  return source !== undefined && isIP(source) !== 0;
}

/** "limit 100 per 6h, 0 remaining" (the parts the headers gave). */
export function quotaSummary(rl: RateLimit): string {
  const parts: string[] = [];
  if (rl.limit !== undefined) parts.push(`limit ${rl.limit}${rl.windowSeconds !== undefined ? ` per ${shortDuration(rl.windowSeconds)}` : ''}`);
  if (rl.remaining !== undefined) parts.push(`${rl.remaining} remaining`);
  if (rl.source !== undefined) parts.push(`counted against ${rl.source}${isAnonymousSource(rl.source) ? ' (anonymous)' : ''}`);
  return parts.join(', ');
}

/** The moment `seconds` after `now`, as `2025-01-01T12:00:00Z`. */
export function resetAt(seconds: number, now: number = Date.now()): string {
  return new Date(now + Math.max(0, seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "in 1h (at 2025-01-01T12:00:00Z)" for a reset `seconds` from `now`. */
export function resetText(seconds: number, now: number = Date.now()): string {
  return `in ${shortDuration(seconds)} (at ${resetAt(seconds, now)})`;
}
