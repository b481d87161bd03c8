// The docker-archive writer as a transfer destination over one tar: images sharing blobs write
// each blob once and every image's metadata (index.json names, manifest.json with the host's
// platform for an index, repositories), entries never interleave when the engine puts several
// blobs at once, a blob whose bytes are not its digest (or too few) destroys the tar, and the
// same images give the same bytes.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostPlatform } from '../../../../src/oci/platform.js';
import { transferIntoArchive } from '../../../../src/ops/archive-transfer.js';
import { writeDockerArchive, type DockerArchiveName } from '../../../../src/store/archive/docker-archive-writer.js';
import type { BlobSource, ImageSource } from '../../../../src/store/backend.js';
import { layoutSource } from '../../../../src/store/layout/image-source.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { sha256 } from '../../../helpers/archive-fixtures.js';
import { putDerivedImage, putGeneratedImage, type GeneratedImage } from '../../../helpers/store-image.js';

let tmp: string;
let store: LayoutStore;
let base: GeneratedImage;
let derived: GeneratedImage;
let multi: GeneratedImage;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-da-writer-'));
  store = await LayoutStore.open(path.join(tmp, 'store'));
  base = await putGeneratedImage(store, 'docker.io/library/base:1');
  derived = await putDerivedImage(store, 'docker.io/team/derived:2', base.manifests[0]!);
  const host = hostPlatform();
  const other = host.architecture === 's390x' ? { os: 'linux', architecture: 'ppc64le' } : { os: 'linux', architecture: 's390x' };
  // The host's platform second: "the first child" would pick the wrong config.
  multi = await putGeneratedImage(store, 'docker.io/library/multi:3', { platforms: [other, { os: host.os, architecture: host.architecture, ...(host.variant ? { variant: host.variant } : {}) }] });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const name = (repo: string, tag: string, full: string): DockerArchiveName => ({ full, familiar: `${repo}:${tag}`, repo, tag });
const sourceOf = (image: GeneratedImage) => layoutSource(store, { mediaType: image.mediaType, digest: image.digest, size: image.size }, image.digest);

/** Runs `fill` on a writer over a collected tar: the bytes, and the error if writing failed. */
async function archive(fill: Parameters<typeof writeDockerArchive>[2]): Promise<{ bytes: Buffer; error: unknown }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const error = await writeDockerArchive(out, undefined, fill).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { bytes: Buffer.concat(chunks), error };
}

async function entries(tar: Buffer): Promise<{ name: string; content: Buffer }[]> {
  const ex = extract();
  Readable.from([tar]).pipe(ex);
  const list: { name: string; content: Buffer }[] = [];
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const c of entry) parts.push(c as Buffer);
    list.push({ name: entry.header.name, content: Buffer.concat(parts) });
  }
  return list;
}
const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
const json = (list: { name: string; content: Buffer }[], file: string) => JSON.parse(list.find((e) => e.name === file)!.content.toString()) as unknown;

describe('docker-archive writer', () => {
  it('two images sharing layers: each blob once, both images in index.json, manifest.json and repositories', async () => {
    const { bytes, error } = await archive(async (writer) => {
      await transferIntoArchive(sourceOf(base), writer.image({ names: [name('base', '1', 'docker.io/library/base:1')] }));
      const second = await transferIntoArchive(sourceOf(derived), writer.image({ names: [name('team/derived', '2', 'docker.io/team/derived:2')] }));
      expect([second.existed, second.written]).toEqual([2, 2]); // the shared layers were in the tar already
    });
    expect(error).toBeUndefined();
    const list = await entries(bytes);
    const names = list.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    const b = base.manifests[0]!;
    const d = derived.manifests[0]!;
    // docker save's order: configs, layers base first, then the manifest; per image, after oci-layout.
    expect(names).toEqual([
      'oci-layout',
      ...[b.configDigest, ...b.layers.map((l) => l.digest), b.digest].map(blob),
      ...[d.configDigest, d.layers[2]!.digest, d.digest].map(blob),
      'index.json',
      'manifest.json',
      'repositories',
    ]);
    for (const e of list.filter((x) => x.name.startsWith('blobs/'))) expect(sha256(e.content)).toBe(`sha256:${e.name.split('/')[2]}`);
    const index = json(list, 'index.json') as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => [m.digest, m.annotations['io.containerd.image.name'], m.annotations['org.opencontainers.image.ref.name']])).toEqual([
      [base.digest, 'docker.io/library/base:1', '1'],
      [derived.digest, 'docker.io/team/derived:2', '2'],
    ]);
    expect(json(list, 'manifest.json')).toEqual([
      { Config: blob(b.configDigest), RepoTags: ['base:1'], Layers: b.layers.map((l) => blob(l.digest)) },
      { Config: blob(d.configDigest), RepoTags: ['team/derived:2'], Layers: d.layers.map((l) => blob(l.digest)) },
    ]);
    expect(json(list, 'repositories')).toEqual({ base: { '1': b.layers[1]!.digest.slice(7) }, 'team/derived': { '2': d.layers[2]!.digest.slice(7) } });
  });

  it("an index: every platform's blobs, manifest.json shows the host's platform, the store descriptor's platform and annotations kept minus regctl's", async () => {
    const descriptor = { mediaType: multi.mediaType, digest: multi.digest, size: multi.size, annotations: { 'dev.regctl.x': 'y', 'org.example': 'kept', 'io.containerd.image.name': 'old' } };
    const { bytes, error } = await archive(async (writer) => {
      await transferIntoArchive(sourceOf(multi), writer.image({ names: [], descriptor }));
    });
    expect(error).toBeUndefined();
    const list = await entries(bytes);
    const want = [multi.digest, ...multi.manifests.flatMap((m) => [m.digest, m.configDigest, ...m.layers.map((l) => l.digest)])];
    expect(list.filter((e) => e.name.startsWith('blobs/')).map((e) => e.name).sort()).toEqual(want.map(blob).sort());
    const host = multi.manifests[1]!;
    expect(json(list, 'manifest.json')).toEqual([{ Config: blob(host.configDigest), RepoTags: null, Layers: host.layers.map((l) => blob(l.digest)) }]);
    expect((json(list, 'index.json') as { manifests: unknown[] }).manifests).toEqual([{ mediaType: multi.mediaType, digest: multi.digest, size: multi.size, annotations: { 'org.example': 'kept' } }]);
    expect(list.some((e) => e.name === 'repositories')).toBe(false);
  });

  it('puts blobs one at a time when the engine asks for several at once', async () => {
    const m = base.manifests[0]!;
    const { bytes, error } = await archive(async (writer) => {
      const dst = writer.image({ names: [] });
      const src = sourceOf(base);
      const blobs = [{ mediaType: 'c', digest: m.configDigest, size: m.configSize }, ...m.layers.map((l) => ({ mediaType: 'l', digest: l.digest, size: l.size }))];
      const results = await Promise.all(blobs.map((d) => dst.putBlob(d, src.blob(d))));
      expect(results.map((r) => r.kind)).toEqual(['written', 'written', 'written']);
      expect((await dst.putBlob(blobs[1]!, src.blob(blobs[1]!))).kind).toBe('exists');
      await dst.putManifests([await src.manifest()]);
      await dst.commit();
    });
    expect(error).toBeUndefined();
    const list = await entries(bytes);
    for (const e of list.filter((x) => x.name.startsWith('blobs/'))) expect(sha256(e.content)).toBe(`sha256:${e.name.split('/')[2]}`);
    expect(list.filter((e) => e.name.startsWith('blobs/'))).toHaveLength(4);
  });

  it('the same images give the same bytes', async () => {
    const write = () =>
      archive(async (writer) => {
        await transferIntoArchive(sourceOf(multi), writer.image({ names: [name('multi', '3', 'docker.io/library/multi:3')] }));
        await transferIntoArchive(sourceOf(derived), writer.image({ names: [] }));
      });
    const [a, b] = [await write(), await write()];
    expect(a.bytes.equals(b.bytes)).toBe(true);
  });

  describe('content that is not what its descriptor says fails the blob and destroys the tar', () => {
    /** `src` with one blob's bytes replaced. */
    const tampered = (src: ImageSource, digest: string, bytes: Buffer): ImageSource => ({
      ...src,
      blob: (d): BlobSource => (d.digest === digest ? { digest: d.digest, size: d.size, origin: 'the test source', read: async function* () { yield bytes; } } : src.blob(d)),
    });

    it.each([
      ['bytes of the right size but another digest', (size: number) => Buffer.alloc(size, 1), 'REGCTL_DIGEST_MISMATCH', /digest mismatch for blob sha256:[0-9a-f]{64} in the test source/],
      ['too few bytes', (size: number) => Buffer.alloc(size - 1), 'REGCTL_LAYOUT', /in the test source is \d+ bytes, its descriptor says \d+/],
      ['too many bytes', (size: number) => Buffer.alloc(size + 1), 'REGCTL_LAYOUT', /in the test source is \d+ bytes, its descriptor says \d+/],
    ])('%s', async (_what, bytesOf, code, message) => {
      const layer = base.manifests[0]!.layers[1]!;
      let later: unknown;
      const { bytes, error } = await archive(async (writer) => {
        const dst = writer.image({ names: [] });
        await expect(transferIntoArchive(tampered(sourceOf(base), layer.digest, bytesOf(layer.size)), dst)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
        // The writer stays failed: nothing more goes into the broken tar.
        later = await dst.putManifests([await sourceOf(base).manifest()]).catch((err: unknown) => err);
        throw later;
      });
      expect((later as { code: string }).code).toBe(code);
      expect((error as { code: string }).code).toBe(code);
      // What reached the output is no complete archive: the layer's entry is cut short and there is no metadata.
      const list = await entries(bytes).catch(() => undefined);
      expect(list?.some((e) => e.name === 'manifest.json') ?? false).toBe(false);
      expect(bytes.includes(Buffer.from('manifest.json'))).toBe(false);
    });

    it('a corrupt store blob (the file changed after it was stored)', async () => {
      const own = await LayoutStore.open(path.join(tmp, 'corrupt'));
      const image = await putGeneratedImage(own, 'docker.io/library/corrupt:1');
      const layer = image.manifests[0]!.layers[0]!;
      await chmod(own.blobPath(layer.digest), 0o644);
      await writeFile(own.blobPath(layer.digest), Buffer.alloc(layer.size, 7));
      const { bytes, error } = await archive(async (writer) => {
        await transferIntoArchive(layoutSource(own, { mediaType: image.mediaType, digest: image.digest, size: image.size }, 'corrupt:1'), writer.image({ names: [] }));
      });
      expect((error as { code: string; message: string }).code).toBe('REGCTL_DIGEST_MISMATCH');
      expect((error as { message: string }).message).toContain(`blob ${layer.digest} in the local store`);
      expect(bytes.includes(Buffer.from('index.json'))).toBe(false);
    });
  });

  it('refuses manifest bytes that are not their digest', async () => {
    const src = sourceOf(base);
    const m = await src.manifest();
    const { error } = await archive(async (writer) => {
      await writer.image({ names: [] }).putManifests([{ ...m, bytes: Buffer.from(m.bytes.toString().replace('schemaVersion', 'schemaversion')) }]);
    });
    expect((error as { code: string }).code).toBe('REGCTL_DIGEST_MISMATCH');
  });
});
