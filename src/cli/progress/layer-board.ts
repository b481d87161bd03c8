// docker's TTY progress: one line per layer, redrawn in place with cursor movement
// (ESC[nA up, ESC[2K erase line), bars only when the terminal is wider than 110 columns.
import type { OutputStream } from '../io.js';
import { humanSize } from '../format/go-units.js';

const ESC = '\u001b[';

export function progressBar(current: number, total: number, width: number): string {
  if (!(total > 0)) return `${humanSize(current)}`;
  const pct = Math.min(100, Math.floor((current / total) * 100));
  const numbers = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  if (width <= 110) return numbers;
  const filled = Math.floor(pct / 2);
  const bar = '='.repeat(filled) + (filled < 50 ? '>' : '') + ' '.repeat(Math.max(0, 49 - filled));
  return `[${bar}] ${numbers}`;
}

/**
 * Per-layer transfer speed and ETA for the TTY lines ("12.3MB/s 4s"), measured from the
 * layer's first byte event; nothing until half a second of data exists (too noisy before).
 */
export class TransferMeter {
  private readonly starts = new Map<string, { at: number; bytes: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  text(id: string, current: number, total: number): string {
    const t = this.now();
    const start = this.starts.get(id);
    if (!start) {
      this.starts.set(id, { at: t, bytes: current });
      return '';
    }
    const seconds = (t - start.at) / 1000;
    if (seconds < 0.5 || current <= start.bytes) return '';
    const rate = (current - start.bytes) / seconds;
    const eta = total > current ? ` ${Math.ceil((total - current) / rate)}s` : '';
    return ` ${humanSize(rate, 3)}/s${eta}`;
  }
}

export class LayerBoard {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private lastDraw = 0;
  private pending = false;

  constructor(private readonly out: OutputStream) {}

  /** Sets a layer's line; `force` draws now, otherwise at most every 100 ms. */
  set(id: string, text: string, force = true): void {
    if (!this.lines.has(id)) {
      this.order.push(id);
      this.lines.set(id, text);
      this.out.write(`${id}: ${text}\n`);
      return;
    }
    this.lines.set(id, text);
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) {
      this.pending = true;
      return;
    }
    this.lastDraw = now;
    this.draw(id);
  }

  private draw(id: string): void {
    const up = this.order.length - this.order.indexOf(id);
    this.out.write(`${ESC}${up}A${ESC}2K\r${id}: ${this.lines.get(id)}\n${up > 1 ? `${ESC}${up - 1}B` : ''}`);
  }

  /** Redraws every line whose last update was throttled. */
  flush(): void {
    if (!this.pending) return;
    this.pending = false;
    for (const id of this.order) this.draw(id);
  }
}
