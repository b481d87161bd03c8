// Per-layer transfer speed and ETA for the TTY lines (" 12.3MB/s 4s").
import { humanSize } from '../format/go-units.js';

/**
 * Measured from the layer's first byte event; nothing until half a second of data exists
 * (too noisy before).
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
