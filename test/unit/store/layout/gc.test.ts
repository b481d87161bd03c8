// Garbage collection: shared blobs survive, unreachable ones go, in-flight pulls (pinned, in
// this process or another) are never robbed, doubt means no deletion, staging gets cleaned.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { OCI_INDEX, OCI_MANIFEST, chunks, makeTempDir, removeTempDirs, runScript, sha256, startScript, transpiledStoreModule, writeImage } from './support.js';

afterAll(removeTempDirs);

async function blobsIn(store: LayoutStore): Promise<string[]> {
  return (await fs.readdir(path.join(store.dir, 'blobs/sha256'))).map((h) => `sha256:${h}`).sort();
}

describe('gc', () => {
  it('removes what no image reaches and keeps blobs another image still uses', async () => {
    const dir = await makeTempDir();
    const writer = await LayoutStore.open(dir);
    const shared = randomBytes(1000);
    const onlyA = randomBytes(2000);
    const a = await writeImage(writer, [shared, onlyA], 'a');
    const b = await writeImage(writer, [shared], 'b');
    await writer.putImage('docker.io/library/a:1', a.descriptor);
    await writer.putImage('docker.io/library/b:1', b.descriptor);
    await writer.releasePins();

    const store = await LayoutStore.open(dir);
    expect((await store.gc()).removed).toEqual([]);
    await store.removeImage('docker.io/library/a:1');
    const result = await store.gc();
    const gone = [a.manifestDigest, a.configDigest, sha256(onlyA)].sort();
    expect(result.removed.sort()).toEqual(gone);
    const sizes = await Promise.all([a.descriptor.size, (await writer.readBlobBytes(b.configDigest)).length].map(async (n) => n));
    expect(result.freedBytes).toBeGreaterThan(2000 + sizes[0]!);
    expect(await blobsIn(store)).toEqual([...b.all].sort());
    expect(await store.validate()).toEqual([]);
  });

  it('follows indexes to every platform manifest', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    const amd = await writeImage(store, [randomBytes(100)], 'amd64');
    const arm = await writeImage(store, [randomBytes(100)], 'arm64');
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [amd.descriptor, arm.descriptor] }));
    await store.writeBlobBytes(sha256(index), index);
    await store.putImage('docker.io/library/multi:1', { mediaType: OCI_INDEX, digest: sha256(index), size: index.length });
    const stray = randomBytes(10);
    await store.writeBlob(sha256(stray), chunks(stray));
    await store.releasePins();
    expect((await store.gc()).removed).toEqual([sha256(stray)]);
    expect(await blobsIn(store)).toEqual([...amd.all, ...arm.all, sha256(index)].sort());
  });

  it('never deletes on doubt: an unparseable manifest in the index stops all blob deletion', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const bad = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":"?"}');
    await store.writeBlobBytes(sha256(bad), bad);
    await store.putImage('docker.io/library/bad:1', { mediaType: OCI_MANIFEST, digest: sha256(bad), size: bad.length });
    const unreachable = randomBytes(10);
    await store.writeBlob(sha256(unreachable), chunks(unreachable));
    await store.releasePins();
    const result = await store.gc();
    expect(result.removed).toEqual([]);
    expect(result.doubts).toEqual([expect.stringContaining(`cannot read manifest ${sha256(bad)}`)]);
    expect(await store.hasBlob(sha256(unreachable))).toBe(10);
  });

  it('keeps every digest named inside an artifact of unknown type', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const payload = randomBytes(50);
    await store.writeBlob(sha256(payload), chunks(payload));
    const artifact = Buffer.from(JSON.stringify({ blobs: [{ digest: sha256(payload), size: 50 }] }));
    await store.writeBlobBytes(sha256(artifact), artifact);
    await store.putImage('docker.io/library/art:1', { mediaType: 'application/vnd.example.thing+json', digest: sha256(artifact), size: artifact.length });
    await store.releasePins();
    expect((await store.gc()).removed).toEqual([]);
  });

  it('does not touch blobs of a pull in flight in this process; releasing the pins lets them go', async () => {
    const dir = await makeTempDir();
    const pulling = await LayoutStore.open(dir);
    const image = await writeImage(pulling, [randomBytes(100)]); // written, not indexed yet
    const old = randomBytes(30);
    await pulling.writeBlob(sha256(old), chunks(old));
    const gc = await LayoutStore.open(dir);
    expect((await gc.gc()).removed).toEqual([]);
    await pulling.releasePins();
    expect((await gc.gc()).removed.sort()).toEqual([...image.all, sha256(old)].sort());
  });

  it('a blob found present by hasBlob is pinned too (a pull that skips it still gets it)', async () => {
    const dir = await makeTempDir();
    const setup = await LayoutStore.open(dir);
    const layer = randomBytes(100);
    await setup.writeBlob(sha256(layer), chunks(layer));
    await setup.releasePins();
    const pulling = await LayoutStore.open(dir);
    expect(await pulling.hasBlob(sha256(layer))).toBe(100);
    const reader = await LayoutStore.open(dir, { create: false });
    expect(await reader.hasBlob(sha256(layer))).toBe(100); // readers do not pin
    expect((await (await LayoutStore.open(dir)).gc()).removed).toEqual([]);
    await pulling.releasePins();
    expect((await (await LayoutStore.open(dir)).gc()).removed).toEqual([sha256(layer)]);
  });

  it('hasBlobs answers for many digests at once and pins every one of them', async () => {
    const dir = await makeTempDir();
    const setup = await LayoutStore.open(dir);
    const layers = [randomBytes(100), randomBytes(200)];
    for (const l of layers) await setup.writeBlob(sha256(l), chunks(l));
    await setup.releasePins();
    const absent = sha256(randomBytes(10));
    const pulling = await LayoutStore.open(dir);
    expect(await pulling.hasBlobs([sha256(layers[0]!), absent, sha256(layers[1]!)])).toEqual([100, undefined, 200]);
    expect((await (await LayoutStore.open(dir)).gc()).removed).toEqual([]);
    await pulling.releasePins();
    expect((await (await LayoutStore.open(dir)).gc()).removed.sort()).toEqual(layers.map(sha256).sort());
  });

  it('putImage unpins what it indexed, so rmi right after pull frees it', async () => {
    const dir = await makeTempDir();
    const pulling = await LayoutStore.open(dir);
    const image = await writeImage(pulling, [randomBytes(100)]);
    await pulling.putImage('docker.io/library/x:1', image.descriptor);
    const rmi = await LayoutStore.open(dir);
    await rmi.removeImage('docker.io/library/x:1');
    expect((await rmi.gc()).removed.sort()).toEqual([...image.all].sort());
  });

  it('a GC that died between its phases has its trash restored before anything else', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const image = await writeImage(store, [randomBytes(100)]);
    await store.putImage('docker.io/library/x:1', image.descriptor);
    const layer = image.layerDigests[0]!;
    const trash = path.join(store.dir, '.regctl/trash/12345-dead');
    await fs.mkdir(trash, { recursive: true });
    await fs.rename(store.blobPath(layer), path.join(trash, layer.replace(':', '-')));
    expect(await store.validate()).toEqual([expect.stringContaining(`missing blob ${layer}`)]);
    await store.gc();
    expect(await store.validate()).toEqual([]);
    expect(await fs.readdir(path.join(store.dir, '.regctl/trash'))).toEqual([]);
  });

  describe('against another process', () => {
    let moduleUrl: string;
    beforeAll(async () => {
      moduleUrl = await transpiledStoreModule();
    });

    it('keeps blobs pinned by a live pull in another process and collects them once it was SIGKILLed', async () => {
      const dir = await makeTempDir();
      await LayoutStore.open(dir);
      const layer = randomBytes(5000);
      const layerFile = path.join(await makeTempDir(), 'layer');
      await fs.writeFile(layerFile, layer);
      const child = await startScript(
        `
        const { LayoutStore } = await import(${JSON.stringify(moduleUrl)});
        const { readFileSync } = await import('node:fs');
        const layer = readFileSync(${JSON.stringify(layerFile)});
        const store = await LayoutStore.open(${JSON.stringify(dir)});
        async function* source() { yield layer; }
        await store.writeBlob(${JSON.stringify(sha256(layer))}, source(), { size: layer.length });
        console.log('WRITTEN-NOT-INDEXED');
        setInterval(() => {}, 1000); // stay alive (an unsettled top-level await alone would exit)
        `,
        'WRITTEN-NOT-INDEXED',
      );
      const store = await LayoutStore.open(dir);
      try {
        expect(await store.hasBlob(sha256(layer))).toBe(5000);
        await store.releasePins(); // hasBlob pinned it in this instance too: only the child's pin may count
        expect((await store.gc()).removed).toEqual([]);
      } finally {
        await child.kill();
      }
      const result = await store.gc();
      expect(result.removed).toEqual([sha256(layer)]);
      expect(await fs.readdir(path.join(dir, '.regctl/pins'))).toEqual([]); // the dead pull's pin file is gone
    });
    it('a pull racing GC in a loop never indexes an image with a missing blob', async () => {
      const dir = await makeTempDir();
      const store = await LayoutStore.open(dir);
      const rounds = 80;
      const child = runScript(`
        const { LayoutStore } = await import(${JSON.stringify(moduleUrl)});
        const { createHash } = await import('node:crypto');
        const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');
        const store = await LayoutStore.open(${JSON.stringify(dir)});
        async function* one(b) { yield b; }
        const problems = [];
        for (let i = 0; i < ${rounds}; i++) {
          const layers = [Buffer.alloc(65536, 1), Buffer.alloc(4096, 2 + (i % 3))];
          for (const l of layers) await store.writeBlob(sha(l), one(l), { size: l.length });
          const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, i: i % 3 }));
          await store.writeBlobBytes(sha(config), config);
          const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: '${OCI_MANIFEST}',
            config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
            layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(l), size: l.length })) }));
          await store.writeBlobBytes(sha(manifest), manifest);
          await store.putImage('docker.io/library/race:1', { mediaType: '${OCI_MANIFEST}', digest: sha(manifest), size: manifest.length });
          problems.push(...(await store.validate()));
          await store.removeImage('docker.io/library/race:1');
          await store.releasePins();
        }
        console.log(JSON.stringify(problems));
      `);
      let collections = 0;
      let finished = false;
      void child.finally(() => (finished = true));
      while (!finished) {
        collections += (await store.gc()).removed.length > 0 ? 1 : 0;
        // A pause, as between real rmi runs: the lock file is polled, so a holder that retakes
        // it in a tight loop would starve the pull.
        await new Promise((r) => setTimeout(r, Math.random() * 10));
      }
      const result = await child;
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual([]);
      expect(collections).toBeGreaterThan(0); // the GC did run between rounds
    });
  });

  describe('staging', () => {
    it('removes stale or finished partials and dead writers\' files, never a live writer\'s partial', async () => {
      const store = await LayoutStore.open(await makeTempDir());
      const staging = path.join(store.dir, '.regctl/staging');
      await fs.mkdir(staging, { recursive: true });
      const done = randomBytes(10);
      await store.writeBlob(sha256(done), chunks(done));
      const digests = { stale: sha256('stale'), fresh: sha256('fresh'), live: sha256('live'), done: sha256(done) };
      const name = (d: string) => d.replace(':', '-');
      for (const d of Object.values(digests)) await fs.writeFile(path.join(staging, `${name(d)}.partial`), 'xx');
      const old = new Date(Date.now() - 48 * 3600_000);
      await fs.utimes(path.join(staging, `${name(digests.stale)}.partial`), old, old);
      await fs.writeFile(path.join(staging, `${name(digests.live)}.claim`), JSON.stringify({ pid: process.pid, hostname: (await import('node:os')).hostname() }));
      await fs.utimes(path.join(staging, `${name(digests.live)}.partial`), old, old);
      await fs.writeFile(path.join(staging, `${name(digests.fresh)}.claim`), JSON.stringify({ pid: 999_999_999, hostname: (await import('node:os')).hostname() }));
      await fs.writeFile(path.join(staging, `${name(sha256('t'))}.999999999-abcdef.tmp`), 'temp of a dead writer');

      await store.gc();
      expect((await fs.readdir(staging)).sort()).toEqual([`${name(digests.fresh)}.partial`, `${name(digests.live)}.claim`, `${name(digests.live)}.partial`].sort());
      expect(await store.partialLength(digests.fresh)).toBe(2);

      await store.gc({ partialMaxAgeMs: 0 }); // prune: every partial nobody is writing
      expect((await fs.readdir(staging)).sort()).toEqual([`${name(digests.live)}.claim`, `${name(digests.live)}.partial`].sort());
    });
  });
});

describe('validate', () => {
  it('reports missing blobs, wrong sizes and manifests whose bytes do not match their digest', async () => {
    const store = await LayoutStore.open(await makeTempDir());
    const image = await writeImage(store, [randomBytes(100), randomBytes(100)]);
    await store.putImage('docker.io/library/x:1', image.descriptor);
    expect(await store.validate()).toEqual([]);
    await fs.rm(store.blobPath(image.layerDigests[0]!));
    await fs.appendFile(store.blobPath(image.layerDigests[1]!), 'x');
    await fs.appendFile(store.blobPath(image.manifestDigest), ' ');
    expect(await store.validate()).toEqual([
      `blob ${image.manifestDigest} is ${image.descriptor.size + 1} bytes, index.json entry docker.io/library/x:1 says ${image.descriptor.size}`,
      expect.stringMatching(new RegExp(`^blob ${image.manifestDigest} has digest sha256:`)),
    ]);
    await fs.writeFile(store.blobPath(image.manifestDigest), (await fs.readFile(store.blobPath(image.manifestDigest))).subarray(0, -1));
    expect(await store.validate()).toEqual([
      `missing blob ${image.layerDigests[0]} (referenced by manifest ${image.manifestDigest})`,
      `blob ${image.layerDigests[1]} is 101 bytes, manifest ${image.manifestDigest} says 100`,
    ]);
    expect(await store.validate({ deep: true })).toContainEqual(expect.stringMatching(new RegExp(`^blob ${image.layerDigests[1]} has digest`)));
  });
});
