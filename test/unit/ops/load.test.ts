// loadArchive on the transfer engine: a multi-image archive is indexed in ONE index.json update
// after every image was checked, with every name and docker's Loaded lines' data; a bad second
// image (a blob the archive lacks) leaves index.json byte for byte as it was; pins are released.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadArchive } from '../../../src/ops/load.js';
import { saveImages } from '../../../src/ops/save.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { makeTar, type TarFile } from '../../helpers/archive-fixtures.js';
import { putDerivedImage, putGeneratedImage, type GeneratedImage } from '../../helpers/store-image.js';

let tmp: string;
let base: GeneratedImage;
let derived: GeneratedImage;
let multi: GeneratedImage;
let files: TarFile[];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-load-'));
  const src = await LayoutStore.open(path.join(tmp, 'src'));
  base = await putGeneratedImage(src, 'docker.io/library/base:1');
  derived = await putDerivedImage(src, 'docker.io/team/derived:2', base.manifests[0]!);
  multi = await putGeneratedImage(src, 'example.com:5000/multi:3', { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
  await src.putImage('docker.io/library/base:also', { mediaType: base.mediaType, digest: base.digest, size: base.size });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await saveImages(src, ['base:1', 'base:also', 'team/derived:2', 'example.com:5000/multi:3'], out);
  files = await entriesOf(Buffer.concat(chunks));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function entriesOf(tar: Buffer): Promise<TarFile[]> {
  const ex = extract();
  Readable.from([tar]).pipe(ex);
  const list: TarFile[] = [];
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const c of entry) parts.push(c as Buffer);
    list.push({ name: entry.header.name, content: Buffer.concat(parts) });
  }
  return list;
}

describe('loadArchive', () => {
  it('indexes every image of a multi-image archive in one index update', async () => {
    const store = await LayoutStore.open(path.join(tmp, 'all'));
    const updates = vi.spyOn(store, 'updateIndex');
    const releases = vi.spyOn(store, 'releasePins');
    const loaded = await loadArchive(store, Readable.from([await makeTar(files)]));
    expect(loaded).toEqual([
      { name: 'docker.io/library/base:1', id: base.manifests[0]!.configDigest },
      { name: 'docker.io/library/base:also', id: base.manifests[0]!.configDigest },
      { name: 'docker.io/team/derived:2', id: derived.manifests[0]!.configDigest },
      { name: 'example.com:5000/multi:3', id: multi.digest },
    ]);
    expect(updates).toHaveBeenCalledTimes(1);
    expect(releases).toHaveBeenCalled();
    expect((await store.listImages()).map((i) => [i.name, i.descriptor.digest]).sort()).toEqual(
      [
        ['docker.io/library/base:1', base.digest],
        ['docker.io/library/base:also', base.digest],
        ['docker.io/team/derived:2', derived.digest],
        ['example.com:5000/multi:3', multi.digest],
      ].sort(),
    );
    expect(await store.validate()).toEqual([]);
  });

  it('a bad second image (a layer the archive lacks) leaves index.json as it was, the first image included', async () => {
    const store = await LayoutStore.open(path.join(tmp, 'bad'));
    await putGeneratedImage(store, 'docker.io/library/keep:1');
    const before = await readFile(path.join(store.dir, 'index.json'), 'utf8');
    const own = derived.manifests[0]!.layers[2]!.digest; // derived's only layer of its own
    const tar = await makeTar(files.filter((f) => f.name !== `blobs/sha256/${own.slice(7)}`));
    const updates = vi.spyOn(store, 'updateIndex');
    const err = await loadArchive(store, Readable.from([tar])).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(err?.code).toBe('REGCTL_INVALID_MANIFEST');
    expect(err?.message).toContain(`the archive lacks blob ${own}`);
    expect(updates).not.toHaveBeenCalled();
    expect(await readFile(path.join(store.dir, 'index.json'), 'utf8')).toBe(before);
    // The blobs that did arrive are there, unreferenced, for the next gc.
    expect(await store.hasBlob(base.manifests[0]!.layers[0]!.digest)).toBe(base.manifests[0]!.layers[0]!.size);
  });
});
