// Early writeback of big blobs: when background fdatasyncs start, that only one runs at a time,
// and that an error from one fails the blob instead of being lost before the final fsync.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EARLY_SYNC_BYTES, earlyWriteback } from '../../../../src/store/layout/early-writeback.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { StagingFile } from '../../../../src/store/layout/staging-file.js';
import { chunks, makeTempDir, removeTempDirs, sha256 } from './support.js';

afterAll(removeTempDirs);

/** A staging file whose datasync() calls are recorded and settled by the test. */
function fakeHandle() {
  const calls: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const handle = {
    datasync: () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject })),
  } as unknown as StagingFile;
  return { handle, calls };
}

describe('earlyWriteback', () => {
  it('syncs once EARLY_SYNC_BYTES are written after the start, one sync at a time', async () => {
    const { handle, calls } = fakeHandle();
    const start = 1000;
    const writeback = earlyWriteback(handle, start);
    writeback.wrote(start + EARLY_SYNC_BYTES - 1);
    expect(calls).toHaveLength(0);
    writeback.wrote(start + EARLY_SYNC_BYTES);
    expect(calls).toHaveLength(1);
    writeback.wrote(start + 3 * EARLY_SYNC_BYTES); // the first is still running
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await writeback.settle();
    writeback.wrote(start + 2 * EARLY_SYNC_BYTES - 1); // counted from where the last sync began
    expect(calls).toHaveLength(1);
    writeback.wrote(start + 2 * EARLY_SYNC_BYTES);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await expect(writeback.settle()).resolves.toBeUndefined();
  });

  it('runs one early sync at a time in the process: another blob waits for its turn', async () => {
    const first = fakeHandle();
    const second = fakeHandle();
    const a = earlyWriteback(first.handle, 0);
    const b = earlyWriteback(second.handle, 0);
    a.wrote(EARLY_SYNC_BYTES);
    b.wrote(EARLY_SYNC_BYTES);
    expect([first.calls.length, second.calls.length]).toEqual([1, 0]);
    first.calls[0]!.resolve();
    await a.settle();
    b.wrote(EARLY_SYNC_BYTES + 1);
    expect([first.calls.length, second.calls.length]).toEqual([1, 1]);
    second.calls[0]!.resolve();
    await b.settle();
  });

  it('settle() waits for the sync in flight and throws its error; no sync starts after a failure', async () => {
    const { handle, calls } = fakeHandle();
    const writeback = earlyWriteback(handle, 0);
    writeback.wrote(EARLY_SYNC_BYTES);
    const settled = writeback.settle();
    calls[0]!.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(settled).rejects.toMatchObject({ code: 'EIO' });
    writeback.wrote(3 * EARLY_SYNC_BYTES);
    expect(calls).toHaveLength(1);
    await expect(writeback.settle()).rejects.toMatchObject({ code: 'EIO' });
  });
});

describe('writeBlob with early writeback', () => {
  const SIZE = EARLY_SYNC_BYTES + 4096;
  const data = randomBytes(SIZE);

  it('syncs a big blob while it is written and stores it', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const datasync = vi.spyOn(StagingFile.prototype, 'datasync');
    await store.writeBlob(sha256(data), chunks(data, 1024 * 1024), { size: SIZE });
    expect(datasync).toHaveBeenCalledTimes(1);
    expect((await fs.readFile(store.blobPath(sha256(data)))).equals(data)).toBe(true);
  });

  it('an early sync that fails fails the blob (REGCTL_IO naming the partial, which is kept), even if the final fsync succeeds', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    vi.spyOn(StagingFile.prototype, 'datasync').mockRejectedValue(
      Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' }),
    );
    const err = await store.writeBlob(sha256(data), chunks(data, 1024 * 1024), { size: SIZE }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_IO', message: expect.stringMatching(/^cannot write .*\.partial: /) });
    expect(await store.hasBlob(sha256(data))).toBeUndefined();
    expect(await store.partialLength(sha256(data))).toBe(SIZE);
  });
});
