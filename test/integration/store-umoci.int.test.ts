// Store entries the real umoci rewrote: `umoci repack` and `umoci tag` set ref.name on a copy of
// the source descriptor, so the source's io.containerd.image.name stays behind, disagreeing.
// regctl must read such an entry by its ref.name (the one written last), in the store's listing
// and in `load` alike, and must not treat it as the old name in rmi or tag.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const hasUmoci = spawnSync('umoci', ['--version']).status === 0;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const REF = 'org.opencontainers.image.ref.name';
const CTRD = 'io.containerd.image.name';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-umoci-int-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const cli = (store: string, args: string[]) => runCli(['--config', tmp, '--store', store, ...args]);
const rows = async (store: string) => (await cli(store, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout.trim().split('\n').sort();

/** A one-layer image umoci can unpack (a real tar, unlike the generated random layers), stored as `name`. */
async function putTarImage(storeDir: string, name: string): Promise<string> {
  const root = path.join(tmp, 'rootfs');
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'hello'), 'hello\n');
  const tarFile = path.join(tmp, 'layer.tar');
  await run('tar', ['-C', root, '-cf', tarFile, 'etc']);
  const raw = await readFile(tarFile);
  const layer = gzipSync(raw);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(raw)] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const store = await LayoutStore.open(storeDir);
  for (const b of [layer, config, manifest]) await store.writeBlobBytes(sha256(b), b);
  await store.putImage(name, { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length });
  await store.releasePins();
  return sha256(config);
}

describe.skipIf(!hasUmoci)('a store rewritten by umoci', () => {
  it('lists a repacked and re-tagged entry by its new ref.name, and images/inspect/tag/rmi agree with load', async () => {
    const storeDir = await mkdtemp(path.join(tmp, 'store-'));
    const oldId = await putTarImage(storeDir, 'docker.io/library/busybox:latest');
    const bundle = path.join(tmp, 'bundle');
    await run('umoci', ['unpack', '--rootless', '--image', `${storeDir}:docker.io/library/busybox:latest`, bundle]);
    await writeFile(path.join(bundle, 'rootfs', 'etc', 'new'), 'changed\n');
    await run('umoci', ['repack', '--image', `${storeDir}:v4`, bundle]);
    await run('umoci', ['tag', '--image', `${storeDir}:v4`, 'docker.io/library/busybox:v5']);

    // What umoci wrote: the old containerd name beside each new ref.name.
    const index = JSON.parse(await readFile(path.join(storeDir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((d) => [d.annotations[REF], d.annotations[CTRD]])).toEqual([
      ['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
      ['v4', 'docker.io/library/busybox:latest'],
      ['docker.io/library/busybox:v5', 'docker.io/library/busybox:latest'],
    ]);
    const newId = JSON.parse((await cli(storeDir, ['inspect', 'busybox:v5'])).stdout)[0].Id as string;
    expect(newId).not.toBe(oldId);
    const id12 = (id: string) => id.slice(7, 19);

    // One row per name; the bare `v4` names no repository, so it adds no row of its own (as load reads it).
    expect(await rows(storeDir)).toEqual([`busybox:latest ${id12(oldId)}`, `busybox:v5 ${id12(newId)}`]);
    expect(JSON.parse((await cli(storeDir, ['inspect', 'busybox:latest'])).stdout)[0].Id).toBe(oldId);
    expect(JSON.parse((await cli(storeDir, ['inspect', 'v4'])).stdout)[0].Id).toBe(newId);

    // The same layout as an oci-archive loads to the same rows.
    const archive = path.join(tmp, 'umoci.tar');
    await run('tar', ['-C', storeDir, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
    const loadedDir = await mkdtemp(path.join(tmp, 'loaded-'));
    expect((await cli(loadedDir, ['load', '-i', archive])).code).toBe(0);
    expect(await rows(loadedDir)).toEqual(await rows(storeDir));

    // tag and rmi act on the entry the name shows, never on one a stale annotation still mentions.
    expect((await cli(storeDir, ['tag', 'busybox:v5', 'busybox:v6'])).code).toBe(0);
    expect(JSON.parse((await cli(storeDir, ['inspect', 'busybox:v6'])).stdout)[0].Id).toBe(newId);
    expect((await cli(storeDir, ['rmi', 'busybox:latest'])).code).toBe(0);
    expect(await rows(storeDir)).toEqual([`busybox:v5 ${id12(newId)}`, `busybox:v6 ${id12(newId)}`]);
    expect((await cli(storeDir, ['inspect', 'busybox:latest'])).code).toBe(4);
    expect(await (await LayoutStore.open(storeDir)).validate()).toEqual([]);
    // umoci still reads what regctl left.
    expect((await run('umoci', ['ls', '--layout', storeDir])).stdout.trim().split('\n').sort()).toEqual(['docker.io/library/busybox:v5', 'docker.io/library/busybox:v6', 'v4']);
  }, 60_000);
});
