// The archive source: which image a location names (oci-archive by ref.name, docker-archive by
// RepoTags or @N, the only one without REF; missing and ambiguous ones listed), a missing file,
// the wrong kind of tar, plain layers gzip'd (diff_ids kept, the same blob on every read),
// compressed ones kept byte for byte, and the temporary layout gone after close().
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWriteStream } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageConfig, parseManifest } from '../../../../src/oci/manifest.js';
import { saveImages } from '../../../../src/ops/save.js';
import { openArchiveSource } from '../../../../src/store/archive/image-source.js';
import type { ImageSource } from '../../../../src/store/backend.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { makeTar, oldDockerArchive, sha256, tarDirectory } from '../../../helpers/archive-fixtures.js';
import { buildOciLayout, type BuiltImage } from '../../../helpers/oci-builder.js';
import { putGeneratedImage } from '../../../helpers/store-image.js';
import { ustar } from '../../../helpers/ustar.js';

let tmp: string;
let scratch: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-archive-src-'));
  scratch = path.join(tmp, 'scratch');
  await mkdir(scratch);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const layerTar = (text: string) => ustar([{ name: 'file.txt', content: text }]);
const errorOf = async (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err as { code: string; message: string });
const open = (t: 'oci-archive' | 'docker-archive', file: string, ref?: string) => openArchiveSource(t, file, ref, { tmpDir: scratch });
async function topOf(src: ImageSource) {
  const m = await src.manifest();
  const parsed = parseManifest(m.bytes, m.mediaType);
  if (parsed.kind !== 'image') throw new Error('expected an image manifest');
  return { m, manifest: parsed.manifest };
}

describe('oci-archive source', () => {
  let archive: string;
  let v1: BuiltImage;
  let v2: BuiltImage;
  beforeAll(async () => {
    const layout = path.join(tmp, 'layout');
    v1 = await buildOciLayout(layout, { tag: 'v1', salt: 'one' });
    v2 = await buildOciLayout(layout, { tag: 'example.com/app:2', salt: 'two' });
    archive = path.join(tmp, 'two.oci.tar');
    await tarDirectory(layout, archive);
  });

  it('picks the index.json entry whose ref.name is REF, any string, with its manifest byte for byte', async () => {
    for (const [ref, image] of [['v1', v1], ['example.com/app:2', v2]] as const) {
      const src = await open('oci-archive', archive, ref);
      try {
        const m = await src.manifest();
        expect([m.digest, sha256(m.bytes), src.name]).toEqual([image.digest, image.digest, `oci-archive:${archive}:${ref}`]);
        const layer = image.manifests[0]!.layers[0]!;
        const chunks: Buffer[] = [];
        for await (const c of src.blob({ mediaType: '', digest: layer.digest, size: layer.size }).read(0, layer.size)) chunks.push(Buffer.from(c));
        expect(sha256(Buffer.concat(chunks))).toBe(layer.digest);
      } finally {
        await src.close();
      }
    }
  });

  it('refuses a missing REF and, without REF, an archive of several images, listing them (REGCTL_NOT_FOUND)', async () => {
    const missing = await errorOf(open('oci-archive', archive, 'v3'));
    expect(missing?.code).toBe('REGCTL_NOT_FOUND');
    expect(missing?.message).toContain('no image named "v3"');
    expect(missing?.message).toContain('v1, example.com/app:2');
    const ambiguous = await errorOf(open('oci-archive', archive));
    expect(ambiguous?.code).toBe('REGCTL_NOT_FOUND');
    expect(ambiguous?.message).toContain('holds 2 images');
    expect(await readdir(scratch)).toEqual([]);
  });

  it('takes the only image without REF', async () => {
    const layout = path.join(tmp, 'single');
    const only = await buildOciLayout(layout, { tag: 'latest', salt: 'single' });
    const file = path.join(tmp, 'single.tar');
    await tarDirectory(layout, file);
    const src = await open('oci-archive', file);
    expect((await src.manifest()).digest).toBe(only.digest);
    await src.close();
  });

  it('names a missing or unreadable file in one REGCTL_IO error', async () => {
    const missing = path.join(tmp, 'nope.tar');
    const err = await errorOf(open('oci-archive', missing));
    expect(err?.code).toBe('REGCTL_IO');
    expect(err?.message).toBe(`cannot read ${missing}: ENOENT: no such file or directory`);
    expect((await errorOf(open('docker-archive', tmp)))?.code).toBe('REGCTL_IO');
    expect(await readdir(scratch)).toEqual([]);
  });

  it('says what a tar of the other kind is, and leaves no temporary files', async () => {
    const old = path.join(tmp, 'old-for-oci.tar');
    await writeFile(old, await oldDockerArchive([{ repoTags: ['a:1'], layers: [{ stored: layerTar('x'), diffId: sha256(layerTar('x')) }] }]));
    const err = await errorOf(open('oci-archive', old));
    expect(err?.message).toMatch(/has no index.json, so it is not an oci-archive/);
    const ociOnly = await errorOf(open('docker-archive', archive, 'a:1'));
    expect(ociOnly?.message).toMatch(/has no manifest.json, so it is not a docker-archive/);
    const junk = path.join(tmp, 'junk.tar');
    await writeFile(junk, await makeTar([{ name: 'hello.txt', content: 'hi' }]));
    expect((await errorOf(open('docker-archive', junk)))?.code).toBe('REGCTL_INVALID_MANIFEST');
    expect(await readdir(scratch)).toEqual([]);
  });
});

describe('docker-archive source', () => {
  const plainA = layerTar('a');
  const plainB = layerTar('b');
  const gzB = gzipSync(plainB);
  let archive: string;
  beforeAll(async () => {
    archive = path.join(tmp, 'old.tar');
    await writeFile(archive, await oldDockerArchive([
      { repoTags: ['busybox:latest', 'example.com/team/a:1'], layers: [{ stored: plainA, diffId: sha256(plainA) }] },
      { repoTags: ['example.com/team/b:2'], layers: [{ stored: plainA, diffId: sha256(plainA) }, { stored: gzB, diffId: sha256(plainB) }] },
      { repoTags: null, layers: [{ stored: plainB, diffId: sha256(plainB) }] },
    ]));
  });

  it('finds the image by RepoTags compared as full names, or by @N', async () => {
    const byFamiliar = await open('docker-archive', archive, 'docker.io/library/busybox');
    const byOther = await open('docker-archive', archive, 'example.com/team/a:1');
    const byIndex = await open('docker-archive', archive, '@0');
    const second = await open('docker-archive', archive, '@1');
    try {
      const digests = await Promise.all([byFamiliar, byOther, byIndex].map(async (s) => (await s.manifest()).digest));
      expect(new Set(digests).size).toBe(1);
      expect((await topOf(second)).manifest.layers).toHaveLength(2);
    } finally {
      await Promise.all([byFamiliar, byOther, byIndex, second].map((s) => s.close()));
    }
  });

  it('refuses an unknown tag, an index past the end and no REF with several images, listing RepoTags', async () => {
    const tag = await errorOf(open('docker-archive', archive, 'busybox:2'));
    expect(tag?.code).toBe('REGCTL_NOT_FOUND');
    expect(tag?.message).toContain('@0 busybox:latest example.com/team/a:1, @1 example.com/team/b:2, @2 (untagged)');
    expect((await errorOf(open('docker-archive', archive, '@3')))?.code).toBe('REGCTL_NOT_FOUND');
    const none = await errorOf(open('docker-archive', archive));
    expect([none?.code, none?.message.includes('holds 3 images')]).toEqual(['REGCTL_NOT_FOUND', true]);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('gzips plain layers (diff_ids kept, the same blob on every read) and keeps compressed ones', async () => {
    const reads = [];
    for (let i = 0; i < 2; i++) {
      const src = await open('docker-archive', archive, 'example.com/team/b:2');
      try {
        const { m, manifest } = await topOf(src);
        const config = parseImageConfig(await src.blobBytes(manifest.config.digest, 1 << 20));
        expect(config.rootfs.diff_ids).toEqual([sha256(plainA), sha256(plainB)]);
        expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.docker.image.rootfs.diff.tar.gzip']);
        expect(manifest.layers[1]).toMatchObject({ digest: sha256(gzB), size: gzB.length });
        const first = manifest.layers[0]!;
        const chunks: Buffer[] = [];
        for await (const c of src.blob(first).read(0, first.size)) chunks.push(Buffer.from(c));
        const gz = Buffer.concat(chunks);
        expect([sha256(gz), gz.length, gz[9]]).toEqual([first.digest, first.size, 0xff]);
        expect(gunzipSync(gz).equals(plainA)).toBe(true);
        reads.push(m.digest);
      } finally {
        await src.close();
      }
    }
    expect(reads[0]).toBe(reads[1]);
    expect(await readdir(scratch)).toEqual([]);
  });

  it("keeps regctl save's manifest (compressed layers) byte for byte: same digest out as in", async () => {
    const store = await LayoutStore.open(path.join(tmp, 'save-store'));
    const image = await putGeneratedImage(store, 'docker.io/library/saved:v1');
    const file = path.join(tmp, 'saved.tar');
    await saveImages(store, ['saved:v1'], createWriteStream(file));
    const src = await open('docker-archive', file, 'saved:v1');
    expect((await src.manifest()).digest).toBe(image.digest);
    await src.close();
  });

  it("rewrites docker 25's OCI manifest when its layers are plain tars", async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(plainA)] } }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(plainA), size: plainA.length }],
    }));
    const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha256(b).slice(7)}`, content: b });
    const file = path.join(tmp, 'docker25.tar');
    await writeFile(file, await makeTar([
      { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
      blob(config), blob(plainA), blob(manifest),
      { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length }] }) },
      { name: 'manifest.json', content: JSON.stringify([{ Config: blob(config).name, RepoTags: ['d25:1'], Layers: [blob(plainA).name] }]) },
    ]));
    const src = await open('docker-archive', file);
    try {
      const { m, manifest: rewritten } = await topOf(src);
      expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(rewritten.config.digest).toBe(sha256(config));
      expect(rewritten.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
      expect(rewritten.layers[0]!.digest).not.toBe(sha256(plainA));
    } finally {
      await src.close();
    }
  });

  it('unpacks straight into a given store without touching its index.json', async () => {
    const store = await LayoutStore.open(path.join(tmp, 'unpack-store'));
    const before = await store.listEntries();
    const src = await openArchiveSource('docker-archive', archive, '@1', { tmpDir: scratch, unpackInto: store });
    const { manifest } = await topOf(src);
    for (const d of [manifest.config, ...manifest.layers]) expect(await store.hasBlob(d.digest)).toBe(d.size);
    await src.close();
    expect(await store.listEntries()).toEqual(before);
    expect(await readdir(scratch)).toEqual([]);
    await store.close();
  });
});
