// The text of one transferring layer's TTY line, fitted to the terminal the way docker's
// jsonmessage does it: the bar only wider than 110 columns, the speed and ETA only wider than
// 50, and (our addition) whatever still does not fit dropped or cut, so a line never wraps.
import { humanSize } from '../format/go-units.js';

/** docker's bar and numbers: `[====>   ]  1.05MB/2.15MB`, the bar only when width > 110. */
export function progressBar(current: number, total: number, width: number): string {
  if (!(total > 0)) return `${humanSize(current)}`;
  const pct = Math.min(100, Math.floor((current / total) * 100));
  const numbers = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  if (width <= 110) return numbers;
  const filled = Math.floor(pct / 2);
  const bar = '='.repeat(filled) + (filled < 50 ? '>' : '') + ' '.repeat(Math.max(0, 49 - filled));
  return `[${bar}] ${numbers}`;
}

/** Cuts a line to `width` columns (progress lines are ASCII: one column per character). */
export function cutToWidth(line: string, width: number): string {
  return line.length > width ? line.slice(0, Math.max(1, width)) : line;
}

/**
 * `ID: VERB <bar/numbers><meter>` for `width` columns: the meter (speed, ETA) goes first when
 * the terminal is 50 columns or less (docker drops its ETA there) or the line would not fit,
 * then the numbers' left padding, then the line is cut.
 */
export function transferLine(id: string, verb: string, current: number, total: number, meter: string, width: number): string {
  const numbers = progressBar(current, total, width);
  const candidates = [
    ...(width > 50 && meter ? [`${id}: ${verb} ${numbers}${meter}`] : []),
    `${id}: ${verb} ${numbers}`,
    `${id}: ${verb} ${numbers.trimStart()}`,
  ];
  return candidates.find((line) => line.length <= width) ?? cutToWidth(candidates.at(-1)!, width);
}
