// A store directory also served by `regctl registry serve`: gc keeps what the registry links.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { registryRoots } from '../../../../src/store/layout/registry-roots.js';
import { OCI_MANIFEST, makeTempDir, removeTempDirs, writeImage } from './support.js';

afterAll(removeTempDirs);

async function linkInRegistry(dir: string, repo: string, digest: string, size: number): Promise<void> {
  const file = path.join(dir, 'registry', 'repositories', ...repo.split('/'), '_manifests', 'sha256', digest.slice(7));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify({ digest, mediaType: OCI_MANIFEST, size }));
}

describe('registry roots', () => {
  it('gc keeps an image only the embedded registry links, and removes it once unlinked', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    const img = await writeImage(store, [randomBytes(500)], 'served');
    await store.releasePins();
    await linkInRegistry(dir, 'team/app', img.manifestDigest, img.descriptor.size);
    expect(await registryRoots(dir)).toEqual([{ mediaType: OCI_MANIFEST, digest: img.manifestDigest, size: img.descriptor.size }]);
    expect((await store.gc()).removed).toEqual([]);
    await fs.rm(path.join(dir, 'registry'), { recursive: true });
    expect((await store.gc()).removed.sort()).toEqual([...img.all].sort());
  });

  it('is empty for a store no registry serves', async () => {
    expect(await registryRoots(await makeTempDir())).toEqual([]);
  });
});
