// Renders pull progress events the way docker prints them: plain lines on a non-TTY (byte
// progress dropped), redrawn bars on a TTY, one JSON object per event with --progress json.
import type { PullEvent } from './pull-words.js';
import type { OutputStream } from '../io.js';
import { LayerBoard } from './layer-board.js';
import { transferLine } from './transfer-line.js';
import { TransferMeter } from './transfer-meter.js';
import type { ProgressMode } from './progress-mode.js';

/** docker's "<tag|digest>: Pulling from <repo path>" header (pull_v2.go's tagOrDigest). */
function header(e: Extract<PullEvent, { type: 'pulling' }>): string {
  const at = e.ref.lastIndexOf('@');
  const refPart = at >= 0 ? e.ref.slice(at + 1) : (e.tag ?? 'latest');
  return `${refPart}: Pulling from ${e.repository}`;
}

type LayerEvent = Extract<PullEvent, { type: 'layer' }>;

/** The text after `ID: ` for a status without byte progress (docker's retry countdown start). */
export function pullStatusText(e: LayerEvent): string {
  if (e.status !== 'Retrying') return e.status;
  const seconds = Math.max(1, Math.ceil((e.delayMs ?? 0) / 1000));
  return `Retrying in ${seconds} second${seconds === 1 ? '' : 's'}`;
}

export function pullRenderer(mode: ProgressMode, out: OutputStream): (e: PullEvent) => void {
  if (mode === 'quiet') return () => undefined;
  if (mode === 'json') return (e) => out.write(JSON.stringify(e) + '\n');
  if (mode === 'plain') {
    return (e) => {
      if (e.type === 'pulling') out.write(header(e) + '\n');
      else if (e.type === 'layer' && e.status !== 'Downloading') out.write(`${e.id}: ${pullStatusText(e)}\n`);
    };
  }
  const meter = new TransferMeter();
  let board = new LayerBoard(out);
  return (e) => {
    if (e.type === 'pulling') {
      // -a: one block per tag, as docker starts a new one after each non-progress line.
      board.close();
      board = new LayerBoard(out);
      out.write(header(e) + '\n');
    } else if (e.type === 'layer') {
      if (e.status === 'Downloading') {
        const current = e.current ?? 0;
        const total = e.total ?? 0;
        const speed = meter.text(e.id, current, total);
        board.set(e.id, (width) => transferLine(e.id, 'Downloading', current, total, speed, width), false);
      } else board.set(e.id, pullStatusText(e));
    } else if (e.type === 'done') {
      board.flush();
      board.close();
    }
  };
}
