// "Which source served the pull" when the registry has mirrors: one stderr line for people,
// one `{"type":"source",...}` event with --progress json.
import type { MirrorReadEvent } from '../../store/remote/remote-registry.js';

export interface PullSourceSummary {
  type: 'source';
  ref: string;
  /** Endpoints that served reads, with how many reads each (first one first). */
  servedBy: { endpoint: string; mirror: boolean; reads: number }[];
  /** Endpoints skipped on the way, with the first reason each. */
  skipped: { endpoint: string; reason: string }[];
}

export class PullSourceTracker {
  private readonly served = new Map<string, { endpoint: string; mirror: boolean; reads: number }>();
  private readonly skipped = new Map<string, string>();

  record = (e: MirrorReadEvent): void => {
    const s = this.served.get(e.endpoint) ?? { endpoint: e.endpoint, mirror: e.mirror, reads: 0 };
    s.reads++;
    this.served.set(e.endpoint, s);
    for (const f of e.failures) if (!this.skipped.has(f.endpoint)) this.skipped.set(f.endpoint, f.reason);
  };

  summary(ref: string): PullSourceSummary | undefined {
    if (this.served.size === 0) return undefined;
    return { type: 'source', ref, servedBy: [...this.served.values()], skipped: [...this.skipped].map(([endpoint, reason]) => ({ endpoint, reason })) };
  }
}

function name(s: { endpoint: string; mirror: boolean }): string {
  return s.mirror ? `mirror ${s.endpoint}` : s.endpoint;
}

/** `Pulled from mirror http://127.0.0.1:5001`, or the mix and what was skipped. */
export function sourceLine(s: PullSourceSummary): string {
  const from = s.servedBy.length === 1 ? name(s.servedBy[0]!) : s.servedBy.map((x) => `${name(x)} (${x.reads} of ${s.servedBy.reduce((n, y) => n + y.reads, 0)} reads)`).join(', ');
  const skipped = s.skipped.filter((k) => !s.servedBy.some((x) => x.endpoint === k.endpoint));
  const why = skipped.length > 0 ? ` (skipped ${skipped.map((k) => `${k.endpoint}: ${k.reason}`).join('; ')})` : '';
  return `Pulled from ${from}${why}`;
}
