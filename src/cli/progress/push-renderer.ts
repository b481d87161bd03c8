// Renders push progress events the way docker prints them: plain status lines on a non-TTY
// (byte progress dropped), one redrawn line per layer on a TTY, one JSON object per event with
// --progress json.
import type { PushEvent } from './push-words.js';
import type { OutputStream } from '../io.js';
import { LayerBoard } from './layer-board.js';
import { transferLine } from './transfer-line.js';
import { TransferMeter } from './transfer-meter.js';
import type { ProgressMode } from './progress-mode.js';

type LayerEvent = Extract<PushEvent, { type: 'layer' }>;

/** The text after `ID: ` for a status without byte progress. */
export function pushStatusText(e: LayerEvent): string {
  if (e.status === 'Mounted from') return `Mounted from ${e.from ?? ''}`;
  if (e.status === 'Retrying') {
    const seconds = Math.max(1, Math.ceil((e.delayMs ?? 0) / 1000));
    return `Retrying in ${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  return e.status;
}

export function pushRenderer(mode: ProgressMode, out: OutputStream): (e: PushEvent) => void {
  if (mode === 'quiet') return () => undefined;
  if (mode === 'json') return (e) => out.write(JSON.stringify(e) + '\n');
  if (mode === 'plain') {
    return (e) => {
      if (e.type === 'layer' && e.status !== 'Pushing') out.write(`${e.id}: ${pushStatusText(e)}\n`);
    };
  }
  const meter = new TransferMeter();
  let board = new LayerBoard(out);
  return (e) => {
    if (e.type === 'pushing') {
      board.close();
      board = new LayerBoard(out); // -a: one block per tag
    } else if (e.type === 'layer') {
      if (e.status === 'Pushing') {
        const current = e.current ?? 0;
        const total = e.total ?? 0;
        const speed = meter.text(e.id, current, total);
        board.set(e.id, (width) => transferLine(e.id, 'Pushing', current, total, speed, width), false);
      } else board.set(e.id, pushStatusText(e));
    } else if (e.type === 'done') {
      board.flush();
      board.close();
    }
  };
}
