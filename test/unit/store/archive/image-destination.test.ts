// The archive destination: nothing at FILE before commit() (closing without it leaves no FILE
// and no temp file or directory), oci-archive's skopeo shape (one entry, only ref.name) and
// deterministic bytes, docker-archive's RepoTags from REF, an existing docker-archive FILE
// refused and untouched, a missing directory refused, and what it wrote read back by the source.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transferIntoArchive } from '../../../../src/ops/archive-transfer.js';
import { openArchiveDestination } from '../../../../src/store/archive/image-destination.js';
import { openArchiveSource } from '../../../../src/store/archive/image-source.js';
import type { ImageSource } from '../../../../src/store/backend.js';
import { findLayoutEntry, layoutSource } from '../../../../src/store/layout/image-source.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { copyImage } from '../../../helpers/archive-fixtures.js';
import { buildOciLayout, type BuiltImage } from '../../../helpers/oci-builder.js';

let tmp: string;
let scratch: string;
let out: string;
let single: BuiltImage;
let multi: BuiltImage;
let layoutDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-archive-dst-'));
  layoutDir = path.join(tmp, 'layout');
  single = await buildOciLayout(layoutDir, { tag: 'one', salt: 'dst' });
  multi = await buildOciLayout(layoutDir, { tag: 'multi', salt: 'dst-multi', multiPlatform: true });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmp, 'scratch-'));
  out = await mkdtemp(path.join(tmp, 'out-'));
});

async function sourceOf(tag: string): Promise<ImageSource> {
  const store = await LayoutStore.open(layoutDir, { create: false, userDirectory: true });
  return layoutSource(store, await findLayoutEntry(store, tag, `oci:${layoutDir}:${tag}`), tag, { onClose: () => store.close() });
}

async function tarFiles(file: string): Promise<Map<string, Buffer>> {
  const ex = extract();
  Readable.from([readFileSync(file)]).pipe(ex);
  const files = new Map<string, Buffer>();
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const c of entry) parts.push(c as Buffer);
    files.set(entry.header.name, Buffer.concat(parts));
  }
  return files;
}

async function write(transport: 'oci-archive' | 'docker-archive', file: string, ref: string | undefined, tag: string) {
  const src = await sourceOf(tag);
  const dst = await openArchiveDestination(transport, file, ref, { tmpDir: scratch, transfer: transferIntoArchive });
  try {
    return await copyImage(src, dst);
  } finally {
    await dst.close();
    await src.close();
  }
}
const errorOf = async (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err as { code: string; message: string });

describe('oci-archive destination', () => {
  it("writes skopeo's shape (one entry, only ref.name), the same bytes every time, read back by the source", async () => {
    const a = path.join(out, 'a.tar');
    const b = path.join(out, 'b.tar');
    await write('oci-archive', a, 'v1', 'multi');
    await write('oci-archive', b, 'v1', 'multi');
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const files = await tarFiles(a);
    const index = JSON.parse(files.get('index.json')!.toString()) as { manifests: unknown[] };
    expect(index.manifests).toEqual([{ mediaType: multi.mediaType, digest: multi.digest, size: multi.size, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }]);
    const blobs = [...files.keys()].filter((n) => n.startsWith('blobs/sha256/') && n.length > 'blobs/sha256/'.length);
    expect(blobs).toEqual([...blobs].sort());
    expect(blobs).toHaveLength(1 + 2 * 3); // the index, and per platform a manifest, a config and a layer
    const src = await openArchiveSource('oci-archive', a, 'v1', { tmpDir: scratch });
    expect((await src.manifest()).digest).toBe(multi.digest);
    await src.close();
    expect((await readdir(out)).sort()).toEqual(['a.tar', 'b.tar']);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('writes an unnamed entry without REF, and replaces an existing FILE whole', async () => {
    const file = path.join(out, 'x.tar');
    await writeFile(file, 'old content');
    await write('oci-archive', file, undefined, 'one');
    const index = JSON.parse((await tarFiles(file)).get('index.json')!.toString()) as { manifests: { annotations?: unknown; digest: string }[] };
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]!.annotations).toBeUndefined();
    expect(index.manifests[0]!.digest).toBe(single.digest);
  });
});

describe('docker-archive destination', () => {
  it('names the image by REF in familiar form (RepoTags), or not at all', async () => {
    const tagged = path.join(out, 'tagged.tar');
    await write('docker-archive', tagged, 'docker.io/library/hello:v1', 'one');
    const manifest = JSON.parse((await tarFiles(tagged)).get('manifest.json')!.toString()) as { RepoTags: unknown }[];
    expect(manifest.map((m) => m.RepoTags)).toEqual([['hello:v1']]);
    const src = await openArchiveSource('docker-archive', tagged, 'hello:v1', { tmpDir: scratch });
    expect((await src.manifest()).digest).toBe(single.digest); // compressed layers: the manifest as it was
    await src.close();

    const bare = path.join(out, 'bare.tar');
    await write('docker-archive', bare, undefined, 'one');
    const files = await tarFiles(bare);
    expect((JSON.parse(files.get('manifest.json')!.toString()) as { RepoTags: unknown }[])[0]!.RepoTags).toBeNull();
    expect(files.has('repositories')).toBe(false);
  });

  it("refuses an existing non-empty FILE as skopeo does, and leaves it untouched; an empty one is fine", async () => {
    const file = path.join(out, 'exists.tar');
    await writeFile(file, 'precious');
    const err = await errorOf(openArchiveDestination('docker-archive', file, 'a:1', { tmpDir: scratch, transfer: transferIntoArchive }));
    expect(err?.code).toBe('REGCTL_IO');
    expect(err?.message).toBe(`cannot write ${file}: docker-archive doesn't support modifying existing images`);
    expect(await readFile(file, 'utf8')).toBe('precious');
    expect(await readdir(out)).toEqual(['exists.tar']);
    expect(await readdir(scratch)).toEqual([]);
    const empty = path.join(out, 'empty.tar');
    await writeFile(empty, '');
    await write('docker-archive', empty, 'a:1', 'one');
    expect((await readFile(empty)).length).toBeGreaterThan(0);
  });

  it('refuses @N as a destination name', async () => {
    expect((await errorOf(openArchiveDestination('docker-archive', path.join(out, 'n.tar'), '@0', {})))?.code).toBe('REGCTL_USAGE');
  });
});

describe('atomicity', () => {
  for (const transport of ['oci-archive', 'docker-archive'] as const) {
    it(`${transport}: closed without commit, nothing is left (no FILE, no temp tar, no temp layout)`, async () => {
      const file = path.join(out, 'never.tar');
      const src = await sourceOf('one');
      const dst = await openArchiveDestination(transport, file, undefined, { tmpDir: scratch, transfer: transferIntoArchive });
      const m = await src.manifest();
      const parsed = JSON.parse(m.bytes.toString()) as { config: never; layers: never[] };
      for (const d of [parsed.config, ...parsed.layers]) await dst.putBlob(d, src.blob(d));
      await dst.putManifests([m]);
      expect(await readdir(scratch)).toHaveLength(1); // the layout being assembled
      await dst.close();
      await dst.close(); // twice is fine
      await src.close();
      expect(await readdir(out)).toEqual([]);
      expect(await readdir(scratch)).toEqual([]);
    });
  }

  it('a commit that fails leaves the existing FILE as it was and no temp tar', async () => {
    const file = path.join(out, 'keep.tar');
    await writeFile(file, 'old archive');
    const src = await sourceOf('one');
    const dst = await openArchiveDestination('oci-archive', file, 'v1', { tmpDir: scratch });
    await dst.putManifests([await src.manifest()]); // but no blobs
    const err = await errorOf(dst.commit());
    expect(err?.code).toBe('REGCTL_NOT_FOUND');
    await dst.close();
    await src.close();
    expect(await readFile(file, 'utf8')).toBe('old archive');
    expect(await readdir(out)).toEqual(['keep.tar']);
    expect(await readdir(scratch)).toEqual([]);
  });

  it("a missing directory is REGCTL_IO before anything is transferred", async () => {
    const file = path.join(out, 'no', 'such', 'dir.tar');
    const err = await errorOf(openArchiveDestination('oci-archive', file, undefined, { tmpDir: scratch }));
    expect(err?.code).toBe('REGCTL_IO');
    expect(err?.message).toContain(path.join(out, 'no', 'such'));
    await mkdir(path.join(out, 'd.tar'));
    expect((await errorOf(openArchiveDestination('oci-archive', path.join(out, 'd.tar'), undefined, {})))?.message).toContain('is a directory');
    expect(await readdir(scratch)).toEqual([]);
  });
});
