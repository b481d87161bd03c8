// saveImages on the transfer engine: images sharing layers write each blob once with both images'
// names; a blob or a platform's manifest missing from the store fails before the first byte
// (docker's hint, nothing written); a corrupt store blob fails the save with no complete tar
// (and, through the CLI, no file).
import { chmod, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveImages } from '../../../src/ops/save.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { putDerivedImage, putGeneratedImage, type GeneratedImage } from '../../helpers/store-image.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-save-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const newStore = async () => LayoutStore.open(await mkdtemp(path.join(tmp, 'store-')));

/** saveImages into memory: the bytes written, and the error if it failed. */
async function save(store: LayoutStore, inputs: string[]): Promise<{ bytes: Buffer; error: { code: string; message: string; hint?: string } | undefined }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const error = await saveImages(store, inputs, out).then(
    () => undefined,
    (err: unknown) => err as { code: string; message: string; hint?: string },
  );
  return { bytes: Buffer.concat(chunks), error };
}

async function names(tar: Buffer): Promise<Map<string, Buffer>> {
  const ex = extract();
  Readable.from([tar]).pipe(ex);
  const files = new Map<string, Buffer>();
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const c of entry) parts.push(c as Buffer);
    expect(files.has(entry.header.name)).toBe(false);
    files.set(entry.header.name, Buffer.concat(parts));
  }
  return files;
}
const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;

describe('saveImages', () => {
  it('two images sharing layers: each blob once, both images named in index.json and manifest.json', async () => {
    const store = await newStore();
    const base = await putGeneratedImage(store, 'docker.io/library/base:1');
    const derived = await putDerivedImage(store, 'docker.io/library/derived:1', base.manifests[0]!);
    const { bytes, error } = await save(store, ['base:1', 'derived:1']);
    expect(error).toBeUndefined();
    const files = await names(bytes);
    const all = (i: GeneratedImage) => i.manifests.flatMap((m) => [m.digest, m.configDigest, ...m.layers.map((l) => l.digest)]);
    expect([...files.keys()].filter((n) => n.startsWith('blobs/')).sort()).toEqual([...new Set([...all(base), ...all(derived)])].map(blob).sort());
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as { RepoTags: string[]; Layers: string[] }[];
    expect(manifest.map((m) => [m.RepoTags, m.Layers.length])).toEqual([
      [['base:1'], 2],
      [['derived:1'], 3],
    ]);
    const index = JSON.parse(files.get('index.json')!.toString()) as { manifests: { digest: string }[] };
    expect(index.manifests.map((m) => m.digest)).toEqual([base.digest, derived.digest]);
  });

  it('a blob missing from the store fails before the first byte, with the hint to pull again', async () => {
    const store = await newStore();
    await putGeneratedImage(store, 'docker.io/library/ok:1');
    const broken = await putGeneratedImage(store, 'docker.io/library/broken:1');
    const gone = broken.manifests[0]!.layers[1]!.digest;
    await unlink(store.blobPath(gone));
    const { bytes, error } = await save(store, ['ok:1', 'broken:1']);
    expect(error).toMatchObject({ code: 'REGCTL_NOT_FOUND', message: `blob ${gone} is not in the local store`, hint: 'pull the image again' });
    expect(bytes.length).toBe(0);
  });

  it("a platform's manifest missing from the store fails before the first byte, with the --all-platforms hint", async () => {
    const store = await newStore();
    const multi = await putGeneratedImage(store, 'docker.io/library/multi:1', { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
    const gone = multi.manifests[1]!.digest;
    await unlink(store.blobPath(gone));
    const { bytes, error } = await save(store, ['multi:1']);
    expect(error).toMatchObject({ code: 'REGCTL_NOT_FOUND', message: `manifest ${gone} is not in the local store`, hint: 'pull the image again (with --all-platforms for every platform)' });
    expect(bytes.length).toBe(0);
  });

  it('a corrupt store blob fails the save: no complete tar, and through the CLI no file', async () => {
    const store = await newStore();
    const image = await putGeneratedImage(store, 'docker.io/library/corrupt:1');
    const layer = image.manifests[0]!.layers[0]!;
    await chmod(store.blobPath(layer.digest), 0o644);
    await writeFile(store.blobPath(layer.digest), Buffer.alloc(layer.size, 9));
    const { bytes, error } = await save(store, ['corrupt:1']);
    expect(error?.code).toBe('REGCTL_DIGEST_MISMATCH');
    expect(error?.message).toContain(`blob ${layer.digest} in the local store`);
    expect(bytes.includes(Buffer.from('manifest.json'))).toBe(false);

    const dir = await mkdtemp(path.join(tmp, 'out-'));
    const r = await runCli(['--config', tmp, '--store', store.dir, 'save', '-o', path.join(dir, 'x.tar'), 'corrupt:1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('digest mismatch');
    expect(await readdir(dir)).toEqual([]);
  });
});
