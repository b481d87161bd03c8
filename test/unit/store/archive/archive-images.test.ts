// readArchiveImages: one read of an archive straight into the store gives every image with its
// names (docker save's index.json names, manifest.json RepoTags of an old-format archive, an
// unnamed one), their blobs in the store, nothing indexed, and no staging file left.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveImages } from '../../../../src/ops/save.js';
import { readArchiveImages } from '../../../../src/store/archive/archive-images.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { oldDockerArchive, sha256 } from '../../../helpers/archive-fixtures.js';
import { putGeneratedImage } from '../../../helpers/store-image.js';
import { ustar } from '../../../helpers/ustar.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-archive-images-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const newStore = async () => LayoutStore.open(await mkdtemp(path.join(tmp, 'store-')));

describe('readArchiveImages', () => {
  it("docker save's format: every image with its names, one untagged, blobs stored, nothing indexed", async () => {
    const src = await newStore();
    const a = await putGeneratedImage(src, 'docker.io/library/a:1');
    const b = await putGeneratedImage(src, 'docker.io/library/b:2');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await saveImages(src, ['a:1', b.manifests[0]!.configDigest], out);
    const store = await newStore();
    const images = await readArchiveImages(store, Readable.from([Buffer.concat(chunks)]));
    expect(images.map((i) => [i.names, i.descriptor.digest, i.id])).toEqual([
      [['docker.io/library/a:1'], a.digest, a.manifests[0]!.configDigest],
      [[], b.digest, b.manifests[0]!.configDigest],
    ]);
    for (const m of [...a.manifests, ...b.manifests]) for (const l of m.layers) expect(await store.hasBlob(l.digest)).toBe(l.size);
    expect(await store.listImages()).toEqual([]);
    expect(await store.listUnnamedImages()).toEqual([]);
  });

  it('the older format: RepoTags as full names over a built Docker v2 manifest, no staging file left', async () => {
    const layer = ustar([{ name: 'f.txt', content: 'old' }]);
    const tar = await oldDockerArchive([{ repoTags: ['old/x:v1'], layers: [{ stored: layer, diffId: sha256(layer) }] }]);
    const store = await newStore();
    const [image, ...rest] = await readArchiveImages(store, Readable.from([tar]));
    expect(rest).toEqual([]);
    expect(image!.names).toEqual(['docker.io/old/x:v1']);
    expect(image!.descriptor.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(await store.hasBlob(sha256(layer))).toBe(layer.length);
    expect(await readdir(path.join(store.dir, '.regctl', 'staging')).catch(() => [])).toEqual([]);
  });
});
