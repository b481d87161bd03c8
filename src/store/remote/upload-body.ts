// The bytes of one blob upload. Every request body is a range of the local blob, re-read from
// the source each time it is iterated (so the transport can send it again after re-negotiating
// a token), hashed exactly once and in order across all requests of the upload (resends after a
// resume are not hashed twice), and verified before its last byte leaves: a store file that does
// not match its digest can never complete an upload.
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { createDigester, parseDigest, type Digester } from '../../oci/digest.js';
import type { BlobSource } from '../backend.js';

export type { BlobSource } from '../backend.js';

/** The running digest of an upload; throws before the final byte goes out when it is wrong. */
export class UploadDigest {
  private readonly digester: Digester;
  private hashed = 0;
  private done = false;

  constructor(
    readonly expected: string,
    readonly size: number,
    /** Named in errors: `local blob sha256:… (the store copy is corrupt)` unless told otherwise. */
    private readonly what = `local blob ${expected} (the store copy is corrupt)`,
  ) {
    this.digester = createDigester(parseDigest(expected).algorithm);
    if (size === 0) this.finish();
  }

  /** Bytes hashed so far: an upload can never be resumed beyond them. */
  get hashedBytes(): number {
    return this.hashed;
  }

  get verified(): boolean {
    return this.done;
  }

  /** Hashes the part of `chunk` (found at `position` in the blob) that was not hashed before. */
  feed(position: number, chunk: Uint8Array): void {
    const end = position + chunk.byteLength;
    if (end <= this.hashed) return;
    if (position > this.hashed) {
      throw new RegctlError('REGCTL_INTERNAL', `upload of ${this.expected} skipped bytes ${this.hashed}-${position - 1}`);
    }
    if (end > this.size) {
      throw new RegctlError('REGCTL_LAYOUT', `blob ${this.expected} in the store is larger than its ${this.size} bytes`);
    }
    this.digester.update(position === this.hashed ? chunk : chunk.subarray(this.hashed - position));
    this.hashed = end;
    if (end === this.size) this.finish();
  }

  private finish(): void {
    const actual = this.digester.digest();
    if (actual !== this.expected) throw new DigestMismatchError(this.expected, actual, this.what);
    this.done = true;
  }
}

/**
 * One request body: bytes [start, end) of the blob. `failure` keeps an error raised while
 * producing the body (digest mismatch, short file), which the HTTP stack reports as a network
 * error: the caller must not mistake it for a dropped connection and resume.
 */
export class UploadBody implements AsyncIterable<Uint8Array> {
  failure: unknown;
  /** Bytes handed to the HTTP stack, over every iteration. */
  sent = 0;

  constructor(
    private readonly source: BlobSource,
    private readonly hash: UploadDigest,
    readonly start: number,
    readonly end: number,
    private readonly onBytes: (position: number) => void = () => undefined,
  ) {}

  get length(): number {
    return this.end - this.start;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    let position = this.start;
    try {
      for await (const raw of this.source.read(this.start, this.end)) {
        const chunk = raw.byteLength > this.end - position ? raw.subarray(0, this.end - position) : raw;
        if (chunk.byteLength === 0) continue;
        this.hash.feed(position, chunk); // verifies (and may throw) before the last chunk is yielded
        position += chunk.byteLength;
        this.sent += chunk.byteLength;
        yield chunk;
        this.onBytes(position);
        if (position >= this.end) break;
      }
      if (position < this.end) {
        throw new RegctlError(this.source.origin ? 'REGCTL_REGISTRY' : 'REGCTL_LAYOUT', `blob ${this.source.digest} ${this.source.origin ? `from ${this.source.origin}` : 'in the store'} is shorter than its ${this.source.size} bytes`);
      }
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }
}
