// Opening and creating a store: the files other tools need, validation of what is there,
// readers that never create anything, and stores that cannot be written.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { exists, listRecursive, makeTempDir, mountTmpfs, removeTempDirs, writeImage } from './support.js';

afterAll(removeTempDirs);

describe('LayoutStore.open', () => {
  it('creates oci-layout, an empty OCI index.json and blobs/sha256 in a new directory', async () => {
    const dir = path.join(await makeTempDir(), 'nested', 'store');
    const store = await LayoutStore.open(dir);
    expect(store.dir).toBe(dir);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8'))).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [],
    });
    expect((await fs.stat(path.join(dir, 'blobs/sha256'))).isDirectory()).toBe(true);
    // Readable by other users and tools, like skopeo's layouts.
    expect((await fs.stat(path.join(dir, 'index.json'))).mode & 0o777).toBe(0o644);
    expect(await store.listImages()).toEqual([]);
  });

  it('opens an existing store without rewriting it, and an empty directory is fine too', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    const image = await writeImage(store, [Buffer.from('layer')]);
    await store.putImage('docker.io/library/busybox:latest', image.descriptor);
    const before = await fs.readFile(path.join(dir, 'index.json'), 'utf8');
    const again = await LayoutStore.open(dir);
    expect(await fs.readFile(path.join(dir, 'index.json'), 'utf8')).toBe(before);
    expect((await again.listImages()).map((i) => i.name)).toEqual(['docker.io/library/busybox:latest']);
  });

  it('with create:false, a missing store reads as empty and nothing is created', async () => {
    const dir = path.join(await makeTempDir(), 'absent');
    const store = await LayoutStore.open(dir, { create: false });
    expect(await store.listImages()).toEqual([]);
    expect(await store.getImage('docker.io/library/busybox:latest')).toBeUndefined();
    expect(await store.hasBlob(`sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(await store.validate()).toEqual([expect.stringContaining('not an OCI image layout')]);
    expect((await store.gc()).removed).toEqual([]);
    expect(await exists(dir)).toBe(false);
  });

  it('a store opened with create:false is created on its first write', async () => {
    const dir = path.join(await makeTempDir(), 'later');
    const store = await LayoutStore.open(dir, { create: false });
    const image = await writeImage(store, [Buffer.from('x')]);
    await store.putImage('docker.io/library/x:1', image.descriptor);
    expect(await exists(path.join(dir, 'oci-layout'))).toBe(true);
    expect(await store.validate()).toEqual([]);
  });

  it.each([
    ['oci-layout', 'not json', /oci-layout: not valid JSON/],
    ['oci-layout', '{"imageLayoutVersion":"2.0.0"}', /oci-layout: unsupported imageLayoutVersion "2.0.0"/],
    ['index.json', '{"schemaVersion":2,"manifests":[', /index.json: not valid JSON/],
    ['index.json', '{"schemaVersion":2,"manifests":{}}', /index.json: manifests is not a list/],
    ['index.json', '{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:1","size":1}]}', /index.json: manifests\[0\]\.digest is not a valid digest/],
  ])('a broken %s (%s) is REGCTL_LAYOUT naming the file, for writers and readers', async (file, content, message) => {
    const dir = await makeTempDir();
    await LayoutStore.open(dir);
    await fs.writeFile(path.join(dir, file), content);
    for (const create of [true, false]) {
      const err = await LayoutStore.open(dir, { create }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'REGCTL_LAYOUT', message: expect.stringMatching(message) });
      expect((err as Error).message).toContain(path.join(dir, file));
    }
    expect(await fs.readFile(path.join(dir, file), 'utf8')).toBe(content); // never "repaired" behind the user's back
  });

  it('refuses a non-empty directory that is not a layout (e.g. --store ~ by mistake)', async () => {
    const dir = await makeTempDir();
    await fs.writeFile(path.join(dir, 'notes.txt'), 'mine');
    await expect(LayoutStore.open(dir)).rejects.toMatchObject({ code: 'REGCTL_LAYOUT', message: expect.stringContaining(`${dir}/oci-layout is missing`) });
    expect(await fs.readdir(dir)).toEqual(['notes.txt']);
  });

  it('a path that is a file is REGCTL_LAYOUT', async () => {
    const file = path.join(await makeTempDir(), 'file');
    await fs.writeFile(file, '');
    await expect(LayoutStore.open(file)).rejects.toMatchObject({ code: 'REGCTL_LAYOUT', message: `${file} is not a directory` });
  });

  it('two stores created in the same directory at once end with one valid layout holding both images', async () => {
    const dir = path.join(await makeTempDir(), 'race');
    const [a, b] = await Promise.all([LayoutStore.open(dir), LayoutStore.open(dir)]);
    const [ia, ib] = await Promise.all([writeImage(a!, [Buffer.from('a')]), writeImage(b!, [Buffer.from('b')])]);
    await Promise.all([a!.putImage('docker.io/library/a:1', ia.descriptor), b!.putImage('docker.io/library/b:1', ib.descriptor)]);
    expect((await a!.listImages()).map((i) => i.name).sort()).toEqual(['docker.io/library/a:1', 'docker.io/library/b:1']);
    expect((await listRecursive(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('stores that cannot be written', () => {
  it('an empty read-only directory is REGCTL_IO naming it', async (ctx) => {
    const mount = await mountTmpfs('ro,size=1m');
    if (!mount) return ctx.skip();
    try {
      await expect(LayoutStore.open(mount.dir)).rejects.toMatchObject({
        code: 'REGCTL_IO',
        message: `cannot write to store directory ${mount.dir}: EROFS: read-only file system`,
      });
    } finally {
      await mount.unmount();
    }
  });

  it('a valid layout on a read-only file system: readers work, writers fail with REGCTL_IO', async (ctx) => {
    const mount = await mountTmpfs('size=4m');
    if (!mount) return ctx.skip();
    try {
      const store = await LayoutStore.open(mount.dir);
      const image = await writeImage(store, [Buffer.from('layer')]);
      await store.putImage('docker.io/library/ro:1', image.descriptor);
      await mount.remount('ro');
      const reader = await LayoutStore.open(mount.dir, { create: false });
      expect((await reader.listImages()).map((i) => i.name)).toEqual(['docker.io/library/ro:1']);
      expect(await reader.hasBlob(image.layerDigests[0]!)).toBe(5);
      await expect(LayoutStore.open(mount.dir)).rejects.toMatchObject({ code: 'REGCTL_IO', message: `cannot write to store directory ${mount.dir}: EROFS: read-only file system` });
      await expect(reader.putImage('docker.io/library/ro:2', image.descriptor)).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining(mount.dir) });
    } finally {
      await mount.unmount();
    }
  });
});
