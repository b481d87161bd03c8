// index.json: the name annotations other tools read, replace/remove semantics, what foreign
// tools wrote, batched edits, and concurrent writers in separate processes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Descriptor } from '../../../../src/oci/manifest.js';
import { LayoutStore, isCanonicalImageName } from '../../../../src/store/layout/layout-store.js';
import { OCI_MANIFEST, listRecursive, makeTempDir, removeTempDirs, runScript, sha256, transpiledStoreModule, writeImage } from './support.js';

afterAll(removeTempDirs);

const REF = 'org.opencontainers.image.ref.name';
const CTRD = 'io.containerd.image.name';
const desc = (n: number): Descriptor => ({ mediaType: OCI_MANIFEST, digest: sha256(`m${n}`), size: n });

async function rawIndex(store: LayoutStore) {
  return JSON.parse(await fs.readFile(path.join(store.dir, 'index.json'), 'utf8'));
}

describe('putImage / getImage / removeImage', () => {
  it('records the full name in both the OCI and the containerd annotation', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await store.putImage('docker.io/library/busybox:latest', { ...desc(1), annotations: { 'x.keep': 'yes' } });
    const index = await rawIndex(store);
    expect(index.manifests).toEqual([
      { ...desc(1), annotations: { 'x.keep': 'yes', [REF]: 'docker.io/library/busybox:latest', [CTRD]: 'docker.io/library/busybox:latest' } },
    ]);
    expect(await store.getImage('docker.io/library/busybox:latest')).toEqual({ name: 'docker.io/library/busybox:latest', descriptor: index.manifests[0] });
  });

  it('replaces the entry of the same name and keeps every other one', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await store.putImage('docker.io/library/a:1', desc(1));
    await store.putImage('127.0.0.1:5000/team/b:v1', desc(2));
    await store.putImage('docker.io/library/a:1', desc(3));
    const images = await store.listImages();
    expect(images.map((i) => [i.name, i.descriptor.digest])).toEqual([
      ['127.0.0.1:5000/team/b:v1', desc(2).digest],
      ['docker.io/library/a:1', desc(3).digest],
    ]);
    expect(await store.removeImage('docker.io/library/a:1')).toBe(true);
    expect(await store.removeImage('docker.io/library/a:1')).toBe(false);
    expect((await store.listImages()).map((i) => i.name)).toEqual(['127.0.0.1:5000/team/b:v1']);
  });

  it('refuses names that are not full references (they would name a different image elsewhere)', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    for (const name of ['busybox', 'busybox:latest', 'library/busybox:latest', 'v1', '']) {
      await expect(store.putImage(name, desc(1))).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    }
    await store.putImage(`docker.io/library/busybox@${sha256('x')}`, desc(1));
    await expect(store.putImage('docker.io/library/busybox:latest', { ...desc(1), digest: 'sha256:nope' })).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    expect((await store.listImages()).map((i) => i.name)).toEqual([`docker.io/library/busybox@${sha256('x')}`]);
  });

  it('reads what skopeo, umoci and containerd write, and keeps their fields on rewrite', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const foreign = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      annotations: { 'com.example.index': 'kept' },
      manifests: [
        { ...desc(1), annotations: { [REF]: 'v1' } }, // skopeo copy ... oci:STORE:v1
        { ...desc(2), annotations: { [REF]: 'latest', [CTRD]: 'docker.io/library/nginx:latest' } }, // ctr export
        { ...desc(3), annotations: { [REF]: 'quay.io/org/app:2' } }, // skopeo with a full name
        { ...desc(4), platform: { os: 'linux', architecture: 'amd64' }, 'x-extra': 1 }, // anonymous
      ],
    };
    await fs.writeFile(path.join(store.dir, 'index.json'), JSON.stringify(foreign));
    expect((await store.listImages()).map((i) => i.name)).toEqual(['v1', 'docker.io/library/nginx:latest', 'quay.io/org/app:2']);
    expect(isCanonicalImageName('v1')).toBe(false);
    expect(isCanonicalImageName('quay.io/org/app:2')).toBe(true);
    expect((await store.getImage('v1'))?.descriptor.digest).toBe(desc(1).digest);
    await store.putImage('docker.io/library/nginx:latest', desc(5));
    const index = await rawIndex(store);
    expect(index.annotations).toEqual({ 'com.example.index': 'kept' });
    expect(index.manifests.map((d: Descriptor) => d.digest)).toEqual([desc(1), desc(3), desc(4), desc(5)].map((d) => d.digest));
    expect(index.manifests[2]).toEqual(foreign.manifests[3]);
    expect(await store.removeImage('v1')).toBe(true);
  });

  it('updateIndex applies several edits in one write, and a throwing edit changes nothing', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    await store.putImage('docker.io/library/a:1', desc(1));
    const renamed = await store.updateIndex((index) => {
      const a = index.get('docker.io/library/a:1')!;
      index.put('docker.io/library/a:2', a.descriptor);
      index.put('docker.io/library/a:3', a.descriptor);
      return index.remove('docker.io/library/a:1');
    });
    expect(renamed).toBe(true);
    expect((await store.listImages()).map((i) => i.name)).toEqual(['docker.io/library/a:2', 'docker.io/library/a:3']);
    const before = await fs.readFile(path.join(store.dir, 'index.json'), 'utf8');
    await expect(
      store.updateIndex((index) => {
        index.remove('docker.io/library/a:2');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await fs.readFile(path.join(store.dir, 'index.json'), 'utf8')).toBe(before);
    const stat = await fs.stat(path.join(store.dir, 'index.json'));
    await store.updateIndex((index) => index.get('docker.io/library/a:2'));
    expect((await fs.stat(path.join(store.dir, 'index.json'))).mtimeMs).toBe(stat.mtimeMs); // read-only edit: no write
  });

  it('leaves no lock or temp files behind', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const image = await writeImage(store, [Buffer.from('l')]);
    await Promise.all([1, 2, 3, 4].map((n) => store.putImage(`docker.io/library/p:${n}`, image.descriptor)));
    expect((await store.listImages()).length).toBe(4);
    const files = await listRecursive(store.dir);
    expect(files.filter((f) => !f.startsWith('blobs/') && !f.startsWith('.regctl/pins/'))).toEqual(['index.json', 'oci-layout']);
  });
});

describe('concurrent putImage from separate processes', () => {
  let moduleUrl: string;
  beforeAll(async () => {
    moduleUrl = await transpiledStoreModule();
  });

  it('4 processes x 15 puts (some to a shared name) all land, each name once, index valid', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    const image = await writeImage(store, [Buffer.from('shared layer')]);
    const rounds = 15;
    const worker = (w: number) => `
      const { LayoutStore } = await import(${JSON.stringify(moduleUrl)});
      const store = await LayoutStore.open(${JSON.stringify(dir)});
      const d = ${JSON.stringify(image.descriptor)};
      for (let i = 0; i < ${rounds}; i++) {
        await store.putImage('127.0.0.1:5000/w${w}/img:' + i, d);
        await store.putImage('docker.io/library/shared:latest', { ...d, annotations: { writer: '${w}' } });
      }`;
    const results = await Promise.all([0, 1, 2, 3].map((w) => runScript(worker(w))));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const names = (await store.listImages()).map((i) => i.name);
    expect(names.length).toBe(4 * rounds + 1);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n === 'docker.io/library/shared:latest')).toHaveLength(1);
    expect(await store.validate()).toEqual([]);
    expect(await fs.readdir(path.join(dir, '.regctl/locks'))).toEqual([]);
  });
});
