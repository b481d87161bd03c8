// One blob into a layout from any BlobSource, resumably: when the stream drops mid-blob, try
// again from the partial's length (a registry source reads it with `Range: bytes=N-`) a
// bounded number of times with backoff, as docker does ("Retrying in N seconds"). A partial
// left by an earlier run is continued the same way. A source that cannot serve the offset
// (416) gets the blob restarted from 0; the whole digest is checked at the end either way
// (blob-writer.ts).
import { RegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import { RegistryError } from '../../transport/registry-error.js';
import { isRetryableNetworkError, withRetry, type BackoffOptions } from '../../transport/retry.js';
import type { BlobSource } from '../backend.js';
import type { LayoutStore } from './layout-store.js';
import { closeSource } from './source-iteration.js';

/** Attempts per blob, the first included. */
export const BLOB_ATTEMPTS = 5;

export interface FetchBlobOptions extends BackoffOptions {
  signal?: AbortSignal;
  attempts?: number;
  /** Bytes of the blob held so far (resumed prefix included). */
  onBytes?: (current: number) => void;
  /** Before waiting to try again. */
  onRetry?: (info: { attempt: number; delayMs: number; offset: number; reason: string }) => void;
}

/** Streams one blob into the store; returns the bytes transferred over all attempts. */
export async function writeBlobResumably(store: LayoutStore, source: BlobSource, d: Descriptor, opts: FetchBlobOptions = {}): Promise<number> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  let transferred = 0;
  // What the failed attempt had reached: only a failure while the body streamed is retried here
  // (the transport already retried the request itself).
  let last = { streaming: false, resumed: false, reached: 0 };
  const attempts = opts.attempts ?? BLOB_ATTEMPTS;
  return withRetry(
    async () => {
      last = { streaming: false, resumed: false, reached: 0 };
      let offset = await store.partialLength(d.digest);
      if (offset > 0 && offset === d.size) {
        // Complete but not yet stored (a run killed just before the rename): no request at all;
        // asking for `bytes=<size>-` would get a 416.
        last = { streaming: true, resumed: true, reached: offset };
        await store.writeBlob(d.digest, noBytes(), { size: d.size, resume: true, offset, ...signal });
        return transferred;
      }
      if (offset > d.size) {
        await store.discardPartial(d.digest);
        offset = 0;
      }
      const opened = await openFrom(source, d, offset).catch(async (err: unknown) => {
        // 416: the source cannot serve from our offset (the partial is not a prefix it knows); start over.
        if (offset === 0 || !(err instanceof RegistryError) || err.status !== 416) throw err;
        await store.discardPartial(d.digest);
        offset = 0;
        return openFrom(source, d, 0);
      });
      // A source that could not seek (200 to a Range request) sends the whole blob: restart it.
      if (offset > 0 && opened.start === 0) {
        await store.discardPartial(d.digest);
        offset = 0;
      }
      const start = opened.body;
      const resume = offset > 0;
      last = { streaming: true, resumed: resume, reached: offset };
      let attemptBytes = 0;
      try {
        const from = offset;
        await store.writeBlob(d.digest, start, {
          size: d.size,
          resume,
          ...(resume ? { offset } : {}),
          ...signal,
          onProgress: (n) => {
            attemptBytes = n;
            last.reached = from + n;
            opts.onBytes?.(from + n);
          },
        });
      } catch (err) {
        // A write refused before it read anything (the partial taken by another process) leaves
        // the response unread: release it.
        closeSource(start);
        throw err;
      } finally {
        transferred += attemptBytes;
      }
      return transferred;
    },
    {
      attempts,
      ...signal,
      ...(opts.baseMs !== undefined ? { baseMs: opts.baseMs } : {}),
      ...(opts.maxMs !== undefined ? { maxMs: opts.maxMs } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      shouldRetry: (err) => ({ retry: last.streaming && isRetryableStreamError(err, last.resumed) }),
      onRetry: (info) => opts.onRetry?.({ attempt: info.attempt, delayMs: info.delayMs, offset: last.reached, reason: info.reason }),
    },
  ).catch((err: unknown) => {
    // undici's socket errors are not ours to print raw ("other side closed" as an internal error).
    if (err instanceof RegctlError || !isRetryableNetworkError(err)) throw err;
    const detail = ((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message ?? String(err)).split('\n')[0];
    const kept = last.reached > 0 ? `; the ${last.reached} bytes received are kept and the next pull resumes from there` : '';
    throw new RegctlError('REGCTL_NETWORK', `downloading ${d.digest}: connection lost (${detail}) after ${attempts} attempts${kept}`, { cause: err });
  });
}

/**
 * A dropped or stalled connection, or a body that ended early, is worth another try. So is a
 * digest mismatch right after a resume: the kept prefix may be what was wrong (the writer has
 * deleted it, so the next attempt starts from 0). A mismatch on a whole download is not.
 */
function isRetryableStreamError(err: unknown, resumed: boolean): boolean {
  // Another process claimed the partial between our look and our write: the next attempt sees
  // the claim and writes a private copy from 0.
  if ((err as { partialInUse?: boolean }).partialInUse === true) return true;
  if (err instanceof RegctlError) {
    if (err.code === 'REGCTL_NETWORK') return true;
    if (err.code === 'REGCTL_DIGEST_MISMATCH') return resumed;
  }
  return isRetryableNetworkError(err);
}

async function* noBytes(): AsyncIterable<Uint8Array> {}

/** The source's bytes from `offset` (or from 0 when it cannot seek), its request answered. */
async function openFrom(source: BlobSource, d: Descriptor, offset: number): Promise<{ start: number; body: AsyncIterable<Uint8Array> }> {
  if (source.open) return source.open(offset, d.size);
  return { start: offset, body: await firstChunkFrom(source, d, offset) };
}

/**
 * The source's bytes from `offset`, with the first chunk already awaited: a read that fails at
 * once fails here, before the writer has touched the partial.
 */
async function firstChunkFrom(source: BlobSource, d: Descriptor, offset: number): Promise<AsyncIterable<Uint8Array>> {
  const iterator = source.read(offset, d.size)[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]() {
      let pending: IteratorResult<Uint8Array> | undefined = first;
      return {
        next: () => {
          if (pending === undefined) return iterator.next();
          const result = pending;
          pending = undefined;
          return Promise.resolve(result);
        },
        return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
      };
    },
  };
}
