// When the file-hasher worker cannot be used, writeBlob hashes inline instead, with the same
// checks: a worker that cannot be created, one that fails to start, and one that dies mid-blob.
// node:worker_threads is mocked; each test loads the store afresh, so each gets a new pool.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { chunks, makeTempDir, removeTempDirs, sha256 } from './support.js';

const worker = vi.hoisted(() => ({ mode: 'real' as 'real' | 'throw' | 'fail-start' | 'die-mid-blob' }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class TestWorker extends real.Worker {
    constructor(source: string, options: import('node:worker_threads').WorkerOptions) {
      if (worker.mode === 'throw') throw new Error('ERR_WORKER_INIT_FAILED (test)');
      if (worker.mode === 'fail-start') source = 'throw new Error("broken worker (test)")';
      // The real worker code, except that it exits at the first progress mark.
      if (worker.mode === 'die-mid-blob') source = `require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'mark') process.exit(7); });\n${source}`;
      super(source, options);
    }
  }
  return { ...real, default: { ...real, Worker: TestWorker }, Worker: TestWorker };
});

afterAll(removeTempDirs);

const SIZE = 40 * 1024 * 1024;
const data = randomBytes(SIZE);
const digest = sha256(data);

async function freshModules() {
  vi.resetModules();
  const { LayoutStore } = await import('../../../../src/store/layout/layout-store.js');
  const { fileHasherPool } = await import('../../../../src/store/layout/file-hasher.js');
  return { store: await LayoutStore.open(await makeTempDir()), pool: fileHasherPool };
}

beforeEach(() => {
  worker.mode = 'real';
});

describe('writeBlob when the hashing worker cannot be used', () => {
  it.each(['throw', 'fail-start', 'die-mid-blob'] as const)('worker %s: the blob is still stored verified, hashed inline', async (mode) => {
    worker.mode = mode;
    const { store, pool } = await freshModules();
    expect(await store.writeBlob(digest, chunks(data, 256 * 1024), { size: SIZE })).toEqual({ written: SIZE, skipped: false });
    expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
    // A worker that was created and then failed counts its job as failed; either way the pool is off.
    expect(pool.stats()).toMatchObject({ threads: 0, active: 0, jobs: mode === 'throw' ? 0 : 1, failed: mode === 'throw' ? 0 : 1, enabled: false });
    // Later blobs go inline from the start, and a wrong one is still refused and deleted.
    const claimed = sha256('other');
    await expect(store.writeBlob(claimed, chunks(data, 256 * 1024), { size: SIZE })).rejects.toMatchObject({ name: 'DigestMismatchError', actual: digest });
    expect(await fs.readdir(path.join(store.dir, '.regctl/staging'))).toEqual([]);
    expect(pool.stats().jobs).toBe(mode === 'throw' ? 0 : 1);
  });

  it('a worker dying mid-blob does not hide a digest mismatch: the inline re-hash catches it and drops the partial', async () => {
    worker.mode = 'die-mid-blob';
    const { store, pool } = await freshModules();
    const claimed = sha256('not these bytes');
    await expect(store.writeBlob(claimed, chunks(data, 256 * 1024), { size: SIZE })).rejects.toMatchObject({ name: 'DigestMismatchError', actual: digest });
    expect(await store.partialLength(claimed)).toBe(0);
    expect(pool.stats()).toMatchObject({ jobs: 1, failed: 1, enabled: false });
  });

  it('the real worker (control: the mock itself changes nothing)', async () => {
    const { store, pool } = await freshModules();
    await store.writeBlob(digest, chunks(data, 256 * 1024), { size: SIZE });
    expect(pool.stats()).toMatchObject({ jobs: 1, failed: 0, enabled: true });
    await pool.close();
  });
});
