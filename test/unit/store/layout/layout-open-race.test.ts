// Several processes creating one new store at once: what one of them has written so far (its
// oci-layout temp file, before the link into place) must not make the others refuse the
// directory as "not empty and not a layout".
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { makeTempDir, removeTempDirs } from './support.js';

afterAll(removeTempDirs);

describe('LayoutStore.open while another process creates the layout', () => {
  it("treats a directory holding only another creator's oci-layout temp file as empty", async () => {
    const dir = await makeTempDir();
    await fs.writeFile(path.join(dir, 'oci-layout.4242.0123456789ab.tmp'), '{"imageLayoutVersion":"1.0.0"}');
    const store = await LayoutStore.open(dir);
    expect(await store.listImages()).toEqual([]);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(await store.validate()).toEqual([]);
  });

  it('still refuses a directory with anything else in it', async () => {
    const dir = await makeTempDir();
    await fs.writeFile(path.join(dir, 'oci-layout.tmp'), 'not ours');
    await expect(LayoutStore.open(dir)).rejects.toThrow(/is not an OCI image layout/);
  });

  it('20 concurrent opens of one new directory all succeed', async () => {
    const dir = path.join(await makeTempDir(), 'new');
    await fs.mkdir(dir);
    const stores = await Promise.all(Array.from({ length: 20 }, () => LayoutStore.open(dir)));
    expect(stores).toHaveLength(20);
    expect(await stores[0]!.validate()).toEqual([]);
  });
});
