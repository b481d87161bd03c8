// The store is a real OCI image layout: an image written through LayoutStore is pushed by
// `skopeo copy oci:STORE:NAME` with its digest intact, and images that skopeo writes into
// the store directory are listed by LayoutStore (full names as is, short names verbatim).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseManifest, type Descriptor } from '../../src/oci/manifest.js';
import { LayoutStore, isCanonicalImageName } from '../../src/store/layout/layout-store.js';
import { run } from '../helpers/run-process.js';

const available = inject('registriesAvailable');
const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const SKOPEO = ['--insecure-policy']; // test data needs no signature policy

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-layout-skopeo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Copies one image of a seeded OCI layout into the store through the LayoutStore API only. */
async function importFromLayout(store: LayoutStore, layoutDir: string, tag: string): Promise<Descriptor> {
  const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`no ${tag} in ${layoutDir}`);
  const blobFile = (digest: string) => path.join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const manifestBytes = await readFile(blobFile(entry.digest));
  const parsed = parseManifest(manifestBytes, entry.mediaType);
  if (parsed.kind !== 'image') throw new Error('expected a single-platform image');
  for (const layer of parsed.manifest.layers) {
    const result = await store.writeBlob(layer.digest, createReadStream(blobFile(layer.digest)), { size: layer.size });
    expect(result).toEqual({ written: layer.size, skipped: false });
  }
  await store.writeBlobBytes(parsed.manifest.config.digest, await readFile(blobFile(parsed.manifest.config.digest)));
  await store.writeBlobBytes(entry.digest, manifestBytes);
  return { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
}

describe.skipIf(!available)('the store as an OCI layout for skopeo', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  it('skopeo pushes an image written by LayoutStore, keeping its manifest digest', async () => {
    const hello = seeded['demo/hello:v1']!;
    const storeDir = path.join(tmp, 'store-out');
    const store = await LayoutStore.open(storeDir);
    const descriptor = await importFromLayout(store, hello.layoutDir, hello.layoutTag);
    const name = `${regs.open.host}/demo/copy:v1`;
    await store.putImage(name, descriptor);
    await store.releasePins();
    expect(await store.validate({ deep: true })).toEqual([]);

    // skopeo finds the entry by its full name, colons and slashes included.
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--dest-tls-verify=false', `oci:${storeDir}:${name}`, `docker://${regs.open.host}/demo/fromstore:v1`]);
    const pushed = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${regs.open.host}/demo/fromstore:v1`]);
    expect(sha256(pushed.stdout)).toBe(hello.digest);
    expect(descriptor.digest).toBe(hello.digest);
    const config = JSON.parse((await run('skopeo', ['inspect', '--config', `oci:${storeDir}:${name}`])).stdout) as { architecture: string };
    expect(config.architecture).toBe(hello.manifests[0]!.platform.architecture);
  });

  it('lists images that skopeo copied into the store, by full name or by its verbatim short name', async () => {
    const hello = seeded['demo/hello:v1']!;
    const storeDir = path.join(tmp, 'store-in');
    const store = await LayoutStore.open(storeDir);
    const ours = `${regs.open.host}/demo/ours:v1`;
    await store.putImage(ours, await importFromLayout(store, hello.layoutDir, hello.layoutTag));
    await store.releasePins();

    const fullName = `${regs.open.host}/demo/hello:v1`;
    const src = `docker://${regs.open.host}/demo/hello:v1`;
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--src-tls-verify=false', src, `oci:${storeDir}:${fullName}`]);
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--src-tls-verify=false', src, `oci:${storeDir}:v1`]);

    const reader = await LayoutStore.open(storeDir, { create: false });
    const images = await reader.listImages();
    expect(images.map((i) => i.name)).toEqual([ours, fullName, 'v1']);
    expect(images.map((i) => i.descriptor.digest)).toEqual([hello.digest, hello.digest, hello.digest]);
    // skopeo writes only the OCI annotation; the short name stays as written, never guessed into docker.io/library/v1.
    expect(images[1]!.descriptor.annotations).toEqual({ 'org.opencontainers.image.ref.name': fullName });
    expect(images.map((i) => isCanonicalImageName(i.name))).toEqual([true, true, false]);
    expect((await reader.getImage('v1'))?.descriptor.digest).toBe(hello.digest);

    // Our edits keep skopeo's entries, and GC treats them as roots.
    await store.removeImage(ours);
    expect((await store.gc()).removed).toEqual([]);
    expect((await store.listImages()).map((i) => i.name)).toEqual([fullName, 'v1']);
    expect(await store.validate({ deep: true })).toEqual([]);
    await run('skopeo', ['inspect', '--raw', `oci:${storeDir}:v1`]);
  });
});
