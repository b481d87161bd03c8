// Streaming blob writes: verification before visibility, what happens to the partial on each
// kind of failure, and resuming it (in-process and after the writer was SIGKILLed).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { chunks, exists, makeTempDir, mountTmpfs, removeTempDirs, sha256, startScript, transpiledStoreModule } from './support.js';

afterAll(removeTempDirs);

async function newStore(): Promise<LayoutStore> {
  return LayoutStore.open(await makeTempDir());
}

const staging = (store: LayoutStore) => path.join(store.dir, '.regctl/staging');
const partialFile = (store: LayoutStore, digest: string) => path.join(staging(store), `${digest.replace(':', '-')}.partial`);

/** Yields `first`, then waits until `release` resolves (or forever), then yields `rest`. */
async function* stalling(first: Uint8Array, release: Promise<void> = new Promise(() => {})): AsyncGenerator<Uint8Array> {
  yield first;
  await release;
}

describe('writeBlob', () => {
  it('stores a verified blob by rename, leaving nothing in staging, and reports progress per chunk', async () => {
    const store = await newStore();
    const data = randomBytes(300_000);
    const progress: number[] = [];
    const result = await store.writeBlob(sha256(data), chunks(data, 100_000), { size: data.length, onProgress: (n) => progress.push(n) });
    expect(result).toEqual({ written: data.length, skipped: false });
    expect(progress).toEqual([100_000, 200_000, 300_000]);
    expect((await fs.readFile(store.blobPath(sha256(data)))).equals(data)).toBe(true);
    expect(await store.hasBlob(sha256(data))).toBe(data.length);
    expect(await fs.readdir(staging(store))).toEqual([]);
  });

  it('a digest mismatch throws DigestMismatchError and leaves neither blob nor partial', async () => {
    const store = await newStore();
    const data = randomBytes(1000);
    const claimed = sha256('something else');
    const err = await store.writeBlob(claimed, chunks(data), { size: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DigestMismatchError', code: 'REGCTL_DIGEST_MISMATCH', expected: claimed, actual: sha256(data) });
    expect(await store.hasBlob(claimed)).toBeUndefined();
    expect(await store.partialLength(claimed)).toBe(0);
    expect(await fs.readdir(staging(store))).toEqual([]);
  });

  it('fails on the first chunk past the expected size, without reading further, and drops the partial', async () => {
    const store = await newStore();
    const data = randomBytes(30);
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield data.subarray(i * 10, i * 10 + 10);
      }
    }
    await expect(store.writeBlob(sha256(data), source(), { size: 15 })).rejects.toMatchObject({
      code: 'REGCTL_DIGEST_MISMATCH',
      message: `blob ${sha256(data)} is larger than its expected size of 15 bytes`,
    });
    expect(pulled).toBe(2);
    expect(await fs.readdir(staging(store))).toEqual([]);
  });

  it('a source that ends early keeps the partial for a resume (REGCTL_NETWORK)', async () => {
    const store = await newStore();
    const data = randomBytes(100);
    await expect(store.writeBlob(sha256(data), chunks(data.subarray(0, 60)), { size: 100 })).rejects.toMatchObject({
      code: 'REGCTL_NETWORK',
      message: `blob ${sha256(data)} ended after 60 of 100 bytes`,
    });
    expect(await store.partialLength(sha256(data))).toBe(60);
    const done = await store.writeBlob(sha256(data), chunks(data.subarray(60)), { size: 100, resume: true, offset: 60 });
    expect(done).toEqual({ written: 40, skipped: false });
    expect((await fs.readFile(store.blobPath(sha256(data)))).equals(data)).toBe(true);
  });

  it('abort while the source stalls rejects at once, keeps the partial, and a resume completes with the whole digest checked', async () => {
    const store = await newStore();
    const data = randomBytes(200_000);
    const digest = sha256(data);
    const controller = new AbortController();
    const writing = store.writeBlob(digest, stalling(data.subarray(0, 70_000)), { size: data.length, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(writing).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(await store.hasBlob(digest)).toBeUndefined();
    const offset = await store.partialLength(digest);
    expect(offset).toBe(70_000);
    const progress: number[] = [];
    const result = await store.writeBlob(digest, chunks(data.subarray(offset)), { size: data.length, resume: true, offset, onProgress: (n) => progress.push(n) });
    expect(result).toEqual({ written: 130_000, skipped: false });
    expect(progress.at(-1)).toBe(130_000);
    expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
    expect(await fs.readdir(staging(store))).toEqual([]);
  });

  it('a resume whose continuation is wrong fails the digest of the whole blob and drops the partial', async () => {
    const store = await newStore();
    const data = randomBytes(1000);
    await store.writeBlob(sha256(data), chunks(data.subarray(0, 400)), { size: 1000 }).catch(() => undefined);
    await expect(store.writeBlob(sha256(data), chunks(randomBytes(600)), { size: 1000, resume: true, offset: 400 })).rejects.toMatchObject({
      code: 'REGCTL_DIGEST_MISMATCH',
    });
    expect(await store.partialLength(sha256(data))).toBe(0);
  });

  it('resume cuts a longer partial back to the offset the source starts at; a shorter one is refused and kept', async () => {
    const store = await newStore();
    const data = randomBytes(1000);
    const digest = sha256(data);
    await store.writeBlob(digest, chunks(data.subarray(0, 700)), { size: 1000 }).catch(() => undefined);
    await expect(store.writeBlob(digest, chunks(data.subarray(800)), { size: 1000, resume: true, offset: 800 })).rejects.toMatchObject({
      code: 'REGCTL_LAYOUT',
      message: `cannot resume blob ${digest}: the partial holds 700 bytes, not 800`,
    });
    expect(await store.partialLength(digest)).toBe(700);
    await store.writeBlob(digest, chunks(data.subarray(500)), { size: 1000, resume: true, offset: 500 });
    expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
  });

  it('a complete partial (crash before the rename) finishes from an empty source', async () => {
    const store = await newStore();
    const data = randomBytes(500);
    await fs.mkdir(staging(store), { recursive: true });
    await fs.writeFile(partialFile(store, sha256(data)), data);
    expect(await store.partialLength(sha256(data))).toBe(500);
    let opened = false;
    async function* unused() {
      opened = true;
      yield Buffer.alloc(0);
    }
    expect(await store.writeBlob(sha256(data), unused(), { size: 500, resume: true, offset: 500 })).toEqual({ written: 0, skipped: false });
    expect(opened).toBe(false);
    expect(await store.hasBlob(sha256(data))).toBe(500);
  });

  it('without resume an old partial is overwritten from byte 0', async () => {
    const store = await newStore();
    const data = randomBytes(100);
    await fs.mkdir(staging(store), { recursive: true });
    await fs.writeFile(partialFile(store, sha256(data)), randomBytes(80));
    await store.writeBlob(sha256(data), chunks(data), { size: 100 });
    expect((await fs.readFile(store.blobPath(sha256(data)))).equals(data)).toBe(true);
  });

  it('skips a blob already present without reading the source, and closes it', async () => {
    const store = await newStore();
    const data = randomBytes(100);
    await store.writeBlob(sha256(data), chunks(data), { size: 100 });
    let pulled = 0;
    let closed = false;
    async function* source() {
      try {
        pulled++;
        yield data;
      } finally {
        closed = true;
      }
    }
    const iterable = source();
    expect(await store.writeBlob(sha256(data), iterable, { size: 100 })).toEqual({ written: 0, skipped: true });
    expect(pulled).toBe(0);
    expect(await iterable.next()).toEqual({ done: true, value: undefined }); // returned: nothing left to read
    expect(closed).toBe(false); // never started, so its finally never ran: nothing was opened
  });

  it('replaces a present blob whose size is wrong (damaged by another tool)', async () => {
    const store = await newStore();
    const data = randomBytes(100);
    await fs.writeFile(store.blobPath(sha256(data)), data.subarray(0, 10));
    expect(await store.writeBlob(sha256(data), chunks(data), { size: 100 })).toEqual({ written: 100, skipped: false });
    expect((await fs.readFile(store.blobPath(sha256(data)))).equals(data)).toBe(true);
  });

  it('an already aborted signal fails before anything is created', async () => {
    const store = await newStore();
    const data = randomBytes(10);
    await expect(store.writeBlob(sha256(data), chunks(data), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(await exists(staging(store))).toBe(false);
  });

  it('rejects an invalid digest before touching the file system', async () => {
    const store = await newStore();
    await expect(store.writeBlob('sha256:../../etc/passwd', chunks(Buffer.from('x')))).rejects.toMatchObject({ code: 'REGCTL_INVALID_REFERENCE' });
  });
});

describe('one blob written by several writers', () => {
  it('two concurrent writes of the same blob in one process both succeed with the right bytes', async () => {
    const store = await newStore();
    const data = randomBytes(500_000);
    const results = await Promise.all([0, 1].map(() => store.writeBlob(sha256(data), chunks(data, 50_000), { size: data.length })));
    expect(results.every((r) => r.written === data.length || r.skipped)).toBe(true);
    expect((await fs.readFile(store.blobPath(sha256(data)))).equals(data)).toBe(true);
    expect(await fs.readdir(staging(store))).toEqual([]);
  });

  it('a partial owned by a live writer is not offered for resume and is left alone', async () => {
    const store = await newStore();
    const data = randomBytes(100);
    const digest = sha256(data);
    await fs.mkdir(staging(store), { recursive: true });
    const claim = path.join(staging(store), `${digest.replace(':', '-')}.claim`);
    await fs.writeFile(partialFile(store, digest), data.subarray(0, 30));
    await fs.writeFile(claim, JSON.stringify({ pid: process.pid, hostname: (await import('node:os')).hostname() }));
    expect(await store.partialLength(digest)).toBe(0);
    expect(await store.discardPartial(digest)).toBe(false);
    await expect(store.writeBlob(digest, chunks(data.subarray(30)), { size: 100, resume: true, offset: 30 })).rejects.toMatchObject({
      code: 'REGCTL_LAYOUT',
      message: `cannot resume blob ${digest}: another process is writing it`,
    });
    // A full download still works (through a private temp file).
    await store.writeBlob(digest, chunks(data), { size: 100 });
    expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
    expect((await fs.readFile(partialFile(store, digest))).length).toBe(30);
    await fs.rm(claim);
    expect(await store.discardPartial(digest)).toBe(true);
    expect(await store.partialLength(digest)).toBe(0);
  });

  describe('across processes', () => {
    let moduleUrl: string;
    beforeAll(async () => {
      moduleUrl = await transpiledStoreModule();
    });

    it('a writer SIGKILLed mid-blob leaves a partial that the next run resumes', async () => {
      const dir = await makeTempDir();
      const data = randomBytes(3 * 1024 * 1024);
      const digest = sha256(data);
      const half = 1536 * 1024;
      await fs.writeFile(path.join(dir, 'data'), data);
      const child = await startScript(
        `
        const { LayoutStore } = await import(${JSON.stringify(moduleUrl)});
        const { readFileSync } = await import('node:fs');
        const data = readFileSync(${JSON.stringify(path.join(dir, 'data'))});
        const store = await LayoutStore.open(${JSON.stringify(path.join(dir, 'store'))});
        async function* source() {
          yield data.subarray(0, ${half});
          console.log('HALF-WRITTEN');
          setInterval(() => {}, 1000); // stay alive until killed
          await new Promise(() => {});
        }
        await store.writeBlob(${JSON.stringify(digest)}, source(), { size: ${data.length} });
        `,
        'HALF-WRITTEN',
      );
      await child.kill();
      const store = await LayoutStore.open(path.join(dir, 'store'));
      expect(await store.hasBlob(digest)).toBeUndefined();
      const offset = await store.partialLength(digest);
      expect(offset).toBe(half);
      const result = await store.writeBlob(digest, chunks(data.subarray(offset)), { size: data.length, resume: true, offset });
      expect(result.written).toBe(data.length - half);
      expect(await store.validate()).toEqual([]);
      expect((await fs.readFile(store.blobPath(digest))).equals(data)).toBe(true);
      expect(await fs.readdir(staging(store))).toEqual([]);
    });
  });
});

describe('small blobs and reads', () => {
  it('writeBlobBytes verifies, stores atomically and skips when present', async () => {
    const store = await newStore();
    const bytes = Buffer.from('{"schemaVersion":2}');
    expect(await store.writeBlobBytes(sha256(bytes), bytes)).toEqual({ skipped: false });
    expect(await store.writeBlobBytes(sha256(bytes), bytes)).toEqual({ skipped: true });
    await expect(store.writeBlobBytes(sha256('other'), bytes)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    expect(await store.hasBlob(sha256('other'))).toBeUndefined();
    expect(await store.readBlobBytes(sha256(bytes))).toEqual(bytes);
    expect(await fs.readdir(staging(store))).toEqual([]);
  });

  it('readBlobBytes and openBlob: content, REGCTL_NOT_FOUND, REGCTL_TOO_LARGE', async () => {
    const store = await newStore();
    const data = randomBytes(3 * 1024 * 1024);
    await store.writeBlob(sha256(data), chunks(data));
    const streamed: Buffer[] = [];
    for await (const chunk of store.openBlob(sha256(data))) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(data)).toBe(true);
    expect(() => store.openBlob(sha256('missing'))).toThrow(expect.objectContaining({ code: 'REGCTL_NOT_FOUND' }));
    await expect(store.readBlobBytes(sha256('missing'))).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND' });
    await expect(store.readBlobBytes(sha256(data), 1024)).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
  });
});

describe('a full disk', () => {
  it('ENOSPC is REGCTL_IO naming the staging file; the blob never appears and the prefix is kept for later', async (ctx) => {
    const mount = await mountTmpfs('size=256k');
    if (!mount) return ctx.skip();
    try {
      const store = await LayoutStore.open(mount.dir);
      const data = randomBytes(1024 * 1024);
      const err = await store.writeBlob(sha256(data), chunks(data), { size: data.length }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'REGCTL_IO', message: expect.stringMatching(/^cannot write .*\.partial: ENOSPC: no space left on device$/) });
      expect((err as Error).message).toContain(partialFile(store, sha256(data)));
      expect(await store.hasBlob(sha256(data))).toBeUndefined();
      expect(await store.partialLength(sha256(data))).toBeGreaterThan(0);
      expect(await store.discardPartial(sha256(data))).toBe(true);
      expect(await store.validate()).toEqual([]);
    } finally {
      await mount.unmount();
    }
  });
});
