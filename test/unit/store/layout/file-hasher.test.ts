// The file-hasher pool on its own: a worker thread hashing a file that is still being written,
// from byte 0 (a prefix already there included), failures that leave the caller to hash inline,
// and a pool that never keeps the process alive.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileHasherPool } from '../../../../src/store/layout/file-hasher.js';
import { makeTempDir, removeTempDirs, runScript, sha256, transpiledStoreModule } from './support.js';

afterAll(removeTempDirs);

const MiB = 1024 * 1024;
const pools: FileHasherPool[] = [];
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

function newPool(opts: ConstructorParameters<typeof FileHasherPool>[0] = {}): FileHasherPool {
  const pool = new FileHasherPool(opts);
  pools.push(pool);
  return pool;
}

async function tempFile(bytes: Uint8Array = Buffer.alloc(0)): Promise<string> {
  const file = path.join(await makeTempDir('regctl-hasher-'), 'blob.partial');
  await fs.writeFile(file, bytes);
  return file;
}

describe('FileHasherPool', () => {
  it('hashes a file as it grows, the worker reading only up to what it was told is written', async () => {
    const pool = newPool();
    const data = randomBytes(10 * MiB + 123);
    const file = await tempFile();
    const job = pool.start(file, 'sha256', 0)!;
    expect(job).toBeDefined();
    for (let at = 0; at < data.length; at += 1 * MiB) {
      const end = Math.min(at + 1 * MiB, data.length);
      await fs.appendFile(file, data.subarray(at, end));
      job.advance(end);
    }
    // Bytes past the asked length are not part of the digest.
    await fs.appendFile(file, Buffer.from('trailing bytes'));
    expect(await job.digest(data.length)).toBe(sha256(data));
    expect(pool.stats()).toEqual({ threads: 1, active: 0, jobs: 1, failed: 0, enabled: true });
  });

  it('hashes a prefix already in the file (a resumed partial) and serves several jobs and algorithms at once', async () => {
    const pool = newPool();
    const a = randomBytes(5 * MiB);
    const b = randomBytes(3 * MiB);
    const fileA = await tempFile(a.subarray(0, 2 * MiB));
    const fileB = await tempFile(b);
    const jobA = pool.start(fileA, 'sha256', 2 * MiB)!;
    const jobB = pool.start(fileB, 'sha512', b.length)!;
    await fs.appendFile(fileA, a.subarray(2 * MiB));
    jobA.advance(a.length);
    const [digestA, digestB] = await Promise.all([jobA.digest(a.length), jobB.digest(b.length)]);
    expect(digestA).toBe(sha256(a));
    expect(digestB).toBe(`sha512:${createHash('sha512').update(b).digest('hex')}`);
    expect(pool.stats()).toMatchObject({ threads: 1, active: 0, jobs: 2, failed: 0 });
  });

  it('shares jobs between two threads when given two', async () => {
    const pool = newPool({ threads: 2 });
    const files = await Promise.all([0, 1, 2].map(() => tempFile(randomBytes(MiB))));
    const jobs = files.map((file) => pool.start(file, 'sha256', MiB)!);
    expect(pool.stats()).toMatchObject({ threads: 2, active: 3 });
    const digests = await Promise.all(jobs.map((job) => job.digest(MiB)));
    const expected = await Promise.all(files.map(async (file) => sha256(await fs.readFile(file))));
    expect(digests).toEqual(expected);
  });

  it('a file shorter than the length asked for, or missing, fails that job only (the caller then hashes inline)', async () => {
    const pool = newPool();
    const file = await tempFile(randomBytes(1000));
    await expect(pool.start(file, 'sha256', 0)!.digest(2000)).rejects.toThrow(/file ended at 1000 of 2000 bytes/);
    await expect(pool.start(path.join(path.dirname(file), 'missing'), 'sha256', 0)!.digest(10)).rejects.toThrow(/ENOENT/);
    expect(pool.stats()).toMatchObject({ enabled: true, jobs: 2, failed: 2, active: 0 });
    const ok = pool.start(file, 'sha256', 1000)!;
    expect(await ok.digest(1000)).toBe(sha256(await fs.readFile(file)));
  });

  it('a worker that cannot start fails its jobs and turns the pool off: later callers are told to hash inline', async () => {
    const pool = newPool({ source: 'throw new Error("no worker here")' });
    const file = await tempFile(randomBytes(100));
    const job = pool.start(file, 'sha256', 100)!;
    await expect(job.digest(100)).rejects.toThrow('no worker here');
    expect(pool.start(file, 'sha256', 100)).toBeUndefined();
    expect(pool.stats()).toEqual({ threads: 0, active: 0, jobs: 1, failed: 1, enabled: false });
  });

  it('a worker that dies mid-job fails the jobs it held', async () => {
    // Answers nothing, and exits on the first progress mark.
    const pool = newPool({ source: `require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'mark') process.exit(3); });` });
    const file = await tempFile(randomBytes(9 * MiB));
    const dying = pool.start(file, 'sha256', 0)!;
    const other = pool.start(file, 'sha256', 0)!;
    dying.advance(9 * MiB);
    await expect(dying.digest(9 * MiB)).rejects.toThrow('file hasher exited with code 3');
    await expect(other.digest(9 * MiB)).rejects.toThrow('file hasher exited with code 3');
    expect(pool.stats()).toMatchObject({ threads: 0, active: 0, enabled: false });
  });

  it('cancel drops a job; close() fails jobs in flight and leaves a pool that starts a new worker', async () => {
    const pool = newPool();
    const file = await tempFile(randomBytes(MiB));
    const cancelled = pool.start(file, 'sha256', 0)!;
    expect(pool.stats().active).toBe(1);
    cancelled.cancel();
    expect(pool.stats().active).toBe(0);
    const pending = pool.start(file, 'sha256', 0)!;
    await pool.close();
    await expect(pending.digest(MiB)).rejects.toThrow('file hasher closed');
    expect(pool.stats()).toMatchObject({ threads: 0, enabled: true });
    expect(await pool.start(file, 'sha256', MiB)!.digest(MiB)).toBe(sha256(await fs.readFile(file)));
  });

  it('an idle worker is terminated after idleMs and a later job starts a new one', async () => {
    const pool = newPool({ idleMs: 0 });
    const file = await tempFile(randomBytes(1000));
    expect(await pool.start(file, 'sha256', 1000)!.digest(1000)).toBe(sha256(await fs.readFile(file)));
    await vi.waitFor(() => expect(pool.stats().threads).toBe(0));
    expect(await pool.start(file, 'sha256', 1000)!.digest(1000)).toBe(sha256(await fs.readFile(file)));
    expect(pool.stats()).toMatchObject({ jobs: 2, failed: 0, enabled: true });
  });
});

describe('outside vitest (plain JavaScript, as from dist/)', () => {
  it('hashes in a worker and never keeps the process alive, yet keeps it alive while a digest is awaited', async () => {
    const moduleUrl = (await transpiledStoreModule()).replace(/layout-store\.js$/, 'file-hasher.js');
    const size = 16 * MiB;
    const file = await tempFile(randomBytes(size));
    const result = await runScript(
      `
      const { FileHasherPool, fileHasherPool } = await import(${JSON.stringify(moduleUrl)});
      // Never idle-terminated: only unref() can let this process end while the worker lives.
      const pool = new FileHasherPool({ idleMs: 3_600_000 });
      const first = await pool.start(${JSON.stringify(file)}, 'sha256', ${size}).digest(${size});
      // The worker is online now: while this digest is awaited nothing but its ref() keeps the process up.
      const second = await pool.start(${JSON.stringify(file)}, 'sha256', ${size}).digest(${size});
      pool.start(${JSON.stringify(file)}, 'sha256', 0).cancel();
      const shared = await fileHasherPool.start(${JSON.stringify(file)}, 'sha256', ${size}).digest(${size});
      console.log(JSON.stringify({ first, second, shared, stats: pool.stats() }));
      // No close(): the process must end by itself, with both pools' workers still alive.
    `,
      15_000,
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const digest = sha256(await fs.readFile(file));
    expect(JSON.parse(result.stdout)).toEqual({
      first: digest,
      second: digest,
      shared: digest,
      stats: { threads: 1, active: 0, jobs: 3, failed: 0, enabled: true },
    });
  });
});
