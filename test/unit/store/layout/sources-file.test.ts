// .regctl/sources.json: which repositories hold a blob (for cross-repository mounts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { MAX_SOURCES_PER_BLOB } from '../../../../src/store/layout/sources-file.js';
import { chunks, makeTempDir, removeTempDirs, sha256 } from './support.js';

afterAll(removeTempDirs);

const A = sha256('a');
const B = sha256('b');

describe('recordSources / sourcesOf', () => {
  it('remembers repositories per blob, most recent first, without duplicates, and persists them', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    expect(await store.sourcesOf(A)).toEqual([]);
    await store.recordSources([A, B], '127.0.0.1:5000/team/app');
    await store.recordSources([A], 'docker.io/library/busybox');
    await store.recordSources([A], '127.0.0.1:5000/team/app');
    expect(await store.sourcesOf(A)).toEqual(['127.0.0.1:5000/team/app', 'docker.io/library/busybox']);
    expect(await (await LayoutStore.open(dir)).sourcesOf(B)).toEqual(['127.0.0.1:5000/team/app']);
    expect(JSON.parse(await fs.readFile(path.join(dir, '.regctl/sources.json'), 'utf8')).version).toBe(1);
  });

  it(`keeps at most ${MAX_SOURCES_PER_BLOB} repositories per blob`, async () => {
    const store = await LayoutStore.open(await makeTempDir());
    for (let i = 0; i < MAX_SOURCES_PER_BLOB + 3; i++) await store.recordSources([A], `reg.example/r${i}`);
    const sources = await store.sourcesOf(A);
    expect(sources).toHaveLength(MAX_SOURCES_PER_BLOB);
    expect(sources[0]).toBe(`reg.example/r${MAX_SOURCES_PER_BLOB + 2}`);
  });

  it('a corrupt file reads as empty and is rewritten by the next record', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    await fs.mkdir(path.join(dir, '.regctl'), { recursive: true });
    await fs.writeFile(path.join(dir, '.regctl/sources.json'), '{"blobs": {"sha256:');
    expect(await store.sourcesOf(A)).toEqual([]);
    await store.recordSources([A], 'quay.io/org/app');
    expect(await store.sourcesOf(A)).toEqual(['quay.io/org/app']);
    expect(JSON.parse(await fs.readFile(path.join(dir, '.regctl/sources.json'), 'utf8'))).toEqual({ version: 1, blobs: { [A]: ['quay.io/org/app'] } });
  });

  it('concurrent records all land', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.recordSources([A], `reg.example/r${i}`)));
    expect((await store.sourcesOf(A)).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `reg.example/r${i}`));
  });

  it('rejects invalid digests and repositories', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await expect(store.recordSources(['sha256:x'], 'reg.example/r')).rejects.toMatchObject({ code: 'REGCTL_INVALID_REFERENCE' });
    await expect(store.recordSources([A], '')).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    await expect(store.sourcesOf('nope')).rejects.toMatchObject({ code: 'REGCTL_INVALID_REFERENCE' });
  });

  it('gc forgets the sources of blobs it deleted', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const data = Buffer.from('unreferenced');
    await store.writeBlob(sha256(data), chunks(data));
    await store.recordSources([sha256(data), A], 'reg.example/r');
    await store.releasePins();
    expect((await store.gc()).removed).toEqual([sha256(data)]);
    expect(await store.sourcesOf(sha256(data))).toEqual([]);
    expect(await store.sourcesOf(A)).toEqual(['reg.example/r']);
  });
});
