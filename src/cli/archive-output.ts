// Where `save` writes: a file replaced atomically (temp file in the same directory, fsync,
// rename; removed on failure, so a failed save never leaves a half archive under the name),
// or the CLI's stdout with its back-pressure respected and never closed.
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { RegctlError } from '../errors.js';
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

export async function saveToFile(file: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let stream;
  try {
    stream = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
    await new Promise<void>((resolve, reject) => stream!.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    throw new RegctlError('REGCTL_IO', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await write(stream);
    const handle = await fs.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (err) {
    stream.destroy();
    await fs.rm(temp, { force: true });
    throw err;
  }
}
