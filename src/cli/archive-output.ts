// `save` without -o writes to the CLI's stdout: with its back-pressure respected and never closed.
// (`save -o FILE` is ops/save.ts's saveImagesToFile: the atomic archive target copy uses too.)
import { Writable } from 'node:stream';
import type { OutputStream } from './io.js';

export function outputSink(out: OutputStream): Writable {
  const events = out as OutputStream & { once?: (event: string, fn: () => void) => unknown };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const ok = out.write(chunk);
      if (ok === false && typeof events.once === 'function') events.once('drain', () => callback());
      else callback();
    },
  });
}
