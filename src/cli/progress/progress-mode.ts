// --progress auto|tty|plain|json|quiet, resolved against the terminal.
import { UsageError } from '../../errors.js';
import type { OutputStream } from '../io.js';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

export function resolveProgressMode(flag: string | undefined, quiet: boolean, out: OutputStream): ProgressMode {
  if (quiet) return 'quiet';
  const value = (flag ?? 'auto').toLowerCase();
  switch (value) {
    case 'auto':
      return out.isTTY ? 'tty' : 'plain';
    case 'tty':
    case 'plain':
    case 'json':
    case 'quiet':
      return value;
    default:
      throw new UsageError(`invalid --progress value "${flag}": expected auto, tty, plain, json or quiet`);
  }
}
