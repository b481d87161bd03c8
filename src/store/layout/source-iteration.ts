// Consuming a blob source (an HTTP body, a file stream, a generator) so that an abort is
// noticed even while the source stalls, and so that a source we stop reading gets released.
import { RegctlError } from '../../errors.js';

function abortError(signal: AbortSignal): RegctlError {
  return new RegctlError('REGCTL_ABORTED', 'operation aborted', { cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** The next chunk, or REGCTL_ABORTED as soon as the signal fires (even while the source stalls). */
export async function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T>> {
  if (signal === undefined) return iterator.next();
  throwIfAborted(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([iterator.next(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/** Lets the source release its resources (a Readable is destroyed); never waits on it. */
export function closeIterator(iterator: AsyncIterator<unknown>): void {
  try {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  } catch {
    // a source without a working return() has nothing to release
  }
}

export function closeSource(source: AsyncIterable<unknown>): void {
  try {
    closeIterator(source[Symbol.asyncIterator]());
  } catch {
    // not iterable twice: nothing to release
  }
}
