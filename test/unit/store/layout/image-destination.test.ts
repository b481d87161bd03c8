// The layout destination's deferred entry (load): commit() hands the top descriptor to the
// caller and leaves index.json alone; close() leaves the store open, its pins in place, so the
// caller's one index update still finds the blobs protected. The other entry kinds index at commit.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Descriptor } from '../../../../src/oci/manifest.js';
import { layoutDestination } from '../../../../src/store/layout/image-destination.js';
import { layoutSource } from '../../../../src/store/layout/image-source.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { putGeneratedImage } from '../../../helpers/store-image.js';
import { makeTempDir, removeTempDirs } from './support.js';

afterAll(removeTempDirs);

async function moveInto(store: LayoutStore, entry: Parameters<typeof layoutDestination>[1]) {
  const src = await LayoutStore.open(path.join(await makeTempDir(), 'src'));
  const image = await putGeneratedImage(src, 'docker.io/library/x:1');
  const source = layoutSource(src, { mediaType: image.mediaType, digest: image.digest, size: image.size }, 'x:1');
  const dst = layoutDestination(store, entry, 'store:x');
  const m = await source.manifest();
  const parsed = JSON.parse(m.bytes.toString()) as { config: Descriptor; layers: Descriptor[] };
  for (const d of [parsed.config, ...parsed.layers]) await dst.putBlob(d, source.blob(d));
  await dst.putManifests([m]);
  await dst.commit();
  return { dst, image };
}

describe('layoutDestination', () => {
  it('record: commit hands over the descriptor, index.json is untouched, close keeps the pins', async () => {
    const store = await LayoutStore.open(path.join(await makeTempDir(), 'store'));
    const before = await readFile(path.join(store.dir, 'index.json'), 'utf8').catch(() => undefined);
    const recorded: Descriptor[] = [];
    const releases = vi.spyOn(store, 'releasePins');
    const { dst, image } = await moveInto(store, { record: (d) => recorded.push(d) });
    expect(recorded).toEqual([{ mediaType: image.mediaType, digest: image.digest, size: image.size }]);
    expect(await readFile(path.join(store.dir, 'index.json'), 'utf8').catch(() => undefined)).toBe(before);
    await dst.close();
    expect(releases).not.toHaveBeenCalled();
    expect(await store.hasBlob(image.digest)).toBe(image.size);
  });

  it('store: commit indexes the image under its name, close releases the pins', async () => {
    const store = await LayoutStore.open(path.join(await makeTempDir(), 'store'));
    const releases = vi.spyOn(store, 'releasePins');
    const { dst, image } = await moveInto(store, { store: 'docker.io/library/x:1' });
    expect((await store.getImage('docker.io/library/x:1'))?.descriptor.digest).toBe(image.digest);
    await dst.close();
    expect(releases).toHaveBeenCalled();
  });
});
