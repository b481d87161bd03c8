// writeStagedBlob: a read that drops with a connection error is continued from the bytes the
// file already holds (the next read asks for the rest), and the result is verified; an error that
// is not the connection's is not retried, and nothing is left behind.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegctlError } from '../../../../src/errors.js';
import type { BlobSource } from '../../../../src/store/backend.js';
import { writeStagedBlob } from '../../../../src/store/files/staged-blob.js';

const bytes = Buffer.from('0123456789abcdefghij'.repeat(50));
const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const d = { mediaType: 'application/octet-stream', digest, size: bytes.length };

/** Serves ranges; the first read sends `cut` bytes, then fails with `error`. */
function droppingSource(cut: number, error: Error): BlobSource & { starts: number[] } {
  const starts: number[] = [];
  return {
    digest,
    size: bytes.length,
    starts,
    read: async function* (start, end) {
      starts.push(start);
      if (starts.length === 1) {
        yield bytes.subarray(start, start + cut);
        throw error;
      }
      yield bytes.subarray(start, end);
    },
  };
}

describe('writeStagedBlob', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'regctl-staged-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('continues a dropped read from the bytes already written, and reports the retry', async () => {
    const source = droppingSource(300, new RegctlError('REGCTL_NETWORK', 'connection reset'));
    const retries: { offset: number }[] = [];
    const file = path.join(dir, 'blob');
    const received = await writeStagedBlob(file, d, source, { onRetry: (r) => retries.push(r) });
    expect(source.starts).toEqual([0, 300]);
    expect(retries.map((r) => r.offset)).toEqual([300]);
    expect(received).toBe(bytes.length);
    expect(await readFile(file)).toEqual(bytes);
  });

  it('does not retry an error that is not the connection, and removes the file', async () => {
    const source = droppingSource(300, new RegctlError('REGCTL_IO', 'disk on fire'));
    const file = path.join(dir, 'blob');
    await expect(writeStagedBlob(file, d, source)).rejects.toMatchObject({ code: 'REGCTL_IO' });
    expect(source.starts).toEqual([0]);
    expect(await readdir(dir)).toEqual([]);
  });
});
