// writeBlob for blobs big enough to be hashed by the file-hasher worker (blob-hasher.ts): the
// same guarantees as inline hashing (verified before visible, mismatch and too-long delete,
// interruption keeps a partial, a resume is verified whole), and no job left behind in the pool.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WORKER_HASH_MIN_BYTES } from '../../../../src/store/layout/blob-hasher.js';
import { fileHasherPool, type FileHasherStats } from '../../../../src/store/layout/file-hasher.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { chunks, makeTempDir, removeTempDirs, sha256 } from './support.js';

afterAll(removeTempDirs);
afterAll(() => fileHasherPool.close());

const SIZE = WORKER_HASH_MIN_BYTES + 12_345;
const CHUNK = 256 * 1024;
const data = randomBytes(SIZE);
const digest = sha256(data);

const staging = (store: LayoutStore) => path.join(store.dir, '.regctl/staging');

let before: FileHasherStats;
beforeEach(() => {
  before = fileHasherPool.stats();
});

/** What the process pool did since the test began. */
function poolDelta() {
  const now = fileHasherPool.stats();
  return { jobs: now.jobs - before.jobs, failed: now.failed - before.failed, active: now.active, enabled: now.enabled };
}

async function* stallAfter(bytes: Uint8Array, release: Promise<void> = new Promise(() => {})): AsyncGenerator<Uint8Array> {
  yield* chunks(bytes, CHUNK);
  await release;
}

describe('writeBlob of a blob hashed by the worker', () => {
  it('stores the verified blob, reporting progress per chunk like the inline path', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    let progress = 0;
    let calls = 0;
    const result = await store.writeBlob(digest, chunks(data, CHUNK), { size: SIZE, onProgress: (n) => ((progress = n), calls++) });
    expect(result).toEqual({ written: SIZE, skipped: false });
    expect([progress, calls]).toEqual([SIZE, Math.ceil(SIZE / CHUNK)]);
    expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
    expect(await fs.readdir(staging(store))).toEqual([]);
    expect(poolDelta()).toEqual({ jobs: 1, failed: 0, active: 0, enabled: true });
  });

  it('below the threshold, or with no size given, the blob is hashed inline: no worker job', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const small = data.subarray(0, WORKER_HASH_MIN_BYTES - 1);
    await store.writeBlob(sha256(small), chunks(small, CHUNK), { size: small.length });
    await store.writeBlob(digest, chunks(data, CHUNK));
    expect(await store.hasBlob(digest)).toBe(SIZE);
    expect(poolDelta().jobs).toBe(0);
  });

  it('a digest mismatch throws DigestMismatchError naming the real digest and leaves neither blob nor partial', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const claimed = sha256('something else');
    const err = await store.writeBlob(claimed, chunks(data, CHUNK), { size: SIZE }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DigestMismatchError', code: 'REGCTL_DIGEST_MISMATCH', expected: claimed, actual: digest });
    expect(await store.hasBlob(claimed)).toBeUndefined();
    expect(await store.partialLength(claimed)).toBe(0);
    expect(await fs.readdir(staging(store))).toEqual([]);
    expect(poolDelta()).toMatchObject({ jobs: 1, failed: 0, active: 0 });
  });

  it('a blob longer than its size fails at once, drops the partial and cancels the job', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await expect(store.writeBlob(digest, chunks(data, CHUNK), { size: SIZE - 1 })).rejects.toMatchObject({
      code: 'REGCTL_DIGEST_MISMATCH',
      message: `blob ${digest} is larger than its expected size of ${SIZE - 1} bytes`,
    });
    expect(await fs.readdir(staging(store))).toEqual([]);
    expect(poolDelta()).toMatchObject({ jobs: 1, active: 0 });
  });

  it('a source that ends early keeps the partial; the resume is hashed from byte 0 by the worker', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const half = Math.floor(SIZE / 2) + 7;
    await expect(store.writeBlob(digest, chunks(data.subarray(0, half), CHUNK), { size: SIZE })).rejects.toMatchObject({
      code: 'REGCTL_NETWORK',
      message: `blob ${digest} ended after ${half} of ${SIZE} bytes`,
    });
    expect(await store.partialLength(digest)).toBe(half);
    expect(poolDelta()).toMatchObject({ jobs: 1, active: 0 });
    const result = await store.writeBlob(digest, chunks(data.subarray(half), CHUNK), { size: SIZE, resume: true, offset: half });
    expect(result).toEqual({ written: SIZE - half, skipped: false });
    expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
    expect(poolDelta()).toEqual({ jobs: 2, failed: 0, active: 0, enabled: true });
  });

  it('abort mid-blob keeps the partial and frees the job; a resume with a wrong continuation fails the whole digest', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const controller = new AbortController();
    const writing = store.writeBlob(digest, stallAfter(data.subarray(0, 10 * CHUNK)), { size: SIZE, signal: controller.signal });
    const partial = path.join(staging(store), `${digest.replace(':', '-')}.partial`);
    await vi.waitFor(async () => expect((await fs.stat(partial)).size).toBe(10 * CHUNK));
    expect(fileHasherPool.stats().active).toBe(before.active + 1);
    controller.abort();
    await expect(writing).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(poolDelta()).toMatchObject({ jobs: 1, active: 0 });
    const offset = await store.partialLength(digest);
    expect(offset).toBe(10 * CHUNK);
    await expect(store.writeBlob(digest, chunks(randomBytes(SIZE - offset), CHUNK), { size: SIZE, resume: true, offset })).rejects.toMatchObject({
      name: 'DigestMismatchError',
    });
    expect(await store.partialLength(digest)).toBe(0);
    expect(poolDelta()).toMatchObject({ jobs: 2, failed: 0, active: 0 });
  });

  it('a complete partial (crash before the rename) is verified by the worker from an empty source', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await fs.mkdir(staging(store), { recursive: true });
    await fs.writeFile(path.join(staging(store), `${digest.replace(':', '-')}.partial`), data);
    expect(await store.writeBlob(digest, chunks(Buffer.alloc(0)), { size: SIZE, resume: true, offset: SIZE })).toEqual({ written: 0, skipped: false });
    expect(await store.hasBlob(digest)).toBe(SIZE);
    expect(poolDelta()).toEqual({ jobs: 1, failed: 0, active: 0, enabled: true });
  });

  it('four big blobs written at once share the worker and all verify', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const blobs = [0, 1, 2, 3].map((i) => Buffer.concat([data.subarray(i), data.subarray(0, i)]));
    await Promise.all(blobs.map((blob) => store.writeBlob(sha256(blob), chunks(blob, CHUNK), { size: blob.length })));
    for (const blob of blobs) expect((await fs.readFile(store.blobPath(sha256(blob)))).equals(blob)).toBe(true);
    expect(poolDelta()).toEqual({ jobs: 4, failed: 0, active: 0, enabled: true });
  });
});
