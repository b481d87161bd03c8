// docker's TTY progress: one line per layer, redrawn in place with cursor movement
// (ESC[nA up, ESC[2K erase line). Unlike docker, every line is cut to the terminal's width
// (read at each draw, so a resize is followed), and when a narrower terminal has re-wrapped
// lines already drawn, the board counts the rows they now take and redraws itself whole.
import type { OutputStream } from '../io.js';
import { cutToWidth } from './transfer-line.js';

export { progressBar } from './transfer-line.js';
export { TransferMeter } from './transfer-meter.js';

const ESC = '\u001b[';

/** A layer's whole line (`ID: status`) for a terminal of `width` columns. */
export type LineText = (width: number) => string;

export class LayerBoard {
  private readonly order: string[] = [];
  private readonly texts = new Map<string, LineText>();
  /** Columns each line took when last written: its rows after a terminal re-wraps it. */
  private readonly drawn = new Map<string, number>();
  private lastDraw = 0;
  /** Lines whose update was throttled, drawn with the next draw or when the window ends. */
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly onResize = (): void => this.redrawAll();

  constructor(private readonly out: OutputStream) {
    out.on?.('resize', this.onResize);
  }

  /** Sets a layer's line; `force` draws now, otherwise at most every 100 ms. */
  set(id: string, text: string | LineText, force = true): void {
    const line: LineText = typeof text === 'string' ? (width) => cutToWidth(`${id}: ${text}`, width) : text;
    const known = this.texts.has(id);
    this.texts.set(id, line);
    if (!known) {
      this.order.push(id);
      this.out.write(this.render(id, this.width()) + '\n');
      return;
    }
    this.dirty.add(id);
    const wait = 100 - (Date.now() - this.lastDraw);
    if (!force && wait > 0) {
      // unref: a pending redraw never keeps the process alive.
      this.timer ??= setTimeout(() => this.flush(), wait).unref();
      return;
    }
    this.flush();
  }

  /** Redraws every line whose last update was throttled. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.dirty.size === 0) return;
    this.lastDraw = Date.now();
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) this.draw(id);
  }

  /** Stops drawing and following resizes: what is printed after the board is not its to move. */
  close(): void {
    this.flush();
    this.closed = true;
    this.out.off?.('resize', this.onResize);
  }

  private width(): number {
    const columns = this.out.columns;
    return columns && columns > 0 ? columns : 80;
  }

  private render(id: string, width: number): string {
    const text = cutToWidth(this.texts.get(id)!(width), width);
    this.drawn.set(id, text.length);
    return text;
  }

  private rows(id: string, width: number): number {
    return Math.max(1, Math.ceil((this.drawn.get(id) ?? 0) / width));
  }

  private draw(id: string): void {
    const width = this.width();
    // A line re-wrapped by a narrower terminal spans several rows: ESC[2K would erase one.
    if (this.order.some((other) => this.rows(other, width) > 1)) return this.redrawAll();
    const up = this.order.length - this.order.indexOf(id);
    this.out.write(`${ESC}${up}A${ESC}2K\r${this.render(id, width)}\n${up > 1 ? `${ESC}${up - 1}B` : ''}`);
  }

  /** Moves to the board's first row (counting wrapped rows), erases to the end and rewrites it. */
  private redrawAll(): void {
    if (this.closed || this.order.length === 0) return;
    this.dirty.clear();
    const width = this.width();
    const up = this.order.reduce((sum, id) => sum + this.rows(id, width), 0);
    this.out.write(`${ESC}${up}A\r${ESC}J${this.order.map((id) => this.render(id, width) + '\n').join('')}`);
  }
}
