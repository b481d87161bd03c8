// store check: a clean store has no problems; a corrupt blob, a missing blob and a size the
// manifest contradicts are each found; repair removes the corrupt blob and the entries whose
// content is gone (index.json rewritten), and a second check is clean. The CLI exits 1 on problems.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { runCli } from '../../../helpers/run-cli.js';
import { makeTempDir, removeTempDirs, sha256, writeImage } from './support.js';

afterEach(removeTempDirs);

async function storeWithTwoImages() {
  const dir = await makeTempDir();
  const store = await LayoutStore.open(dir);
  const a = await writeImage(store, [Buffer.from('layer a'), Buffer.from('shared layer')], 'a');
  const b = await writeImage(store, [Buffer.from('layer b')], 'b');
  await store.putImage('docker.io/library/a:latest', a.descriptor);
  await store.putImage('docker.io/library/b:latest', b.descriptor);
  await store.releasePins();
  return { dir, store, a, b };
}

describe('LayoutStore.check', () => {
  it('finds nothing in a clean store', async () => {
    const { store } = await storeWithTwoImages();
    const result = await store.check();
    expect(result.problems).toEqual([]);
    expect(result.blobs).toBe(7); // 2 manifests, 2 configs, 3 layers
    expect(result.entries).toBe(2);
  });

  it('finds a corrupt blob of the same size, and repair removes it and the entry using it', async () => {
    const { dir, store, a } = await storeWithTwoImages();
    const layer = a.layerDigests[0]!;
    await fs.writeFile(store.blobPath(layer), 'LAYER A'); // same length: a size check cannot see it
    const found = await store.check();
    expect(found.problems.map((p) => [p.kind, p.digest])).toEqual([['corrupt', layer]]);
    expect(found.problems[0]!.message).toMatch(new RegExp(`^blob ${layer} is corrupt: its content hashes to sha256:`));
    expect(found.removedBlobs).toEqual([]);
    await expect(fs.stat(store.blobPath(layer))).resolves.toBeDefined(); // a check alone changes nothing

    const repaired = await store.check({ repair: true });
    expect(repaired.removedBlobs).toEqual([layer]);
    expect(repaired.removedEntries).toEqual(['docker.io/library/a:latest']);
    await expect(fs.stat(store.blobPath(layer))).rejects.toThrow();
    expect((await store.listImages()).map((i) => i.name)).toEqual(['docker.io/library/b:latest']);
    expect((await store.check()).problems).toEqual([]);
    expect(await store.validate({ deep: true })).toEqual([]);
  });

  it('finds a missing blob and a size the manifest contradicts, once each', async () => {
    const { dir, store, a, b } = await storeWithTwoImages();
    await fs.rm(store.blobPath(a.configDigest));
    const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: { size: number }[] };
    index.manifests[1]!.size += 1;
    await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
    const result = await store.check();
    expect(result.problems.map((p) => [p.kind, p.digest])).toEqual([
      ['missing', a.configDigest],
      ['size', b.manifestDigest],
    ]);
    const repaired = await store.check({ repair: true });
    expect(repaired.removedEntries.sort()).toEqual(['docker.io/library/a:latest', 'docker.io/library/b:latest']);
    expect(await store.listImages()).toEqual([]);
  });
});

describe('regctl store check', () => {
  it('prints one line per problem and a summary, exits 1, and 0 after --repair', async () => {
    const { dir, store, b } = await storeWithTwoImages();
    await fs.writeFile(store.blobPath(b.layerDigests[0]!), 'LAYER B');
    const config = await makeTempDir('regctl-cfg-');
    const found = await runCli(['--config', config, '--store', dir, 'store', 'check']);
    expect(found.code).toBe(1);
    expect(found.stdout).toBe(
      [`blob ${b.layerDigests[0]} is corrupt: its content hashes to ${sha256('LAYER B')}`, 'Checked 7 blobs and 2 images: 1 problem found', ''].join('\n'),
    );
    expect(found.stderr).toContain(`Error: store ${dir} has 1 problem`);
    expect(found.stderr).toContain("regctl store check --repair");

    const repaired = await runCli(['--config', config, '--store', dir, 'store', 'check', '--repair']);
    expect(repaired.code).toBe(1);
    expect(repaired.stdout).toContain(`removed blob ${b.layerDigests[0]}\nremoved image docker.io/library/b:latest\n`);
    const clean = await runCli(['--config', config, '--store', dir, 'store', 'check']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe('Checked 6 blobs and 1 image: no problems found\n');
  });
});
