// Untagged images from `load`: an archive image without a name (docker save of an image ID,
// manifest.json RepoTags null, or an index.json-only archive whose ref.name is a bare tag, as
// skopeo's `oci-archive:FILE:v1` writes) becomes an unnamed index.json entry, shown like
// docker's dangling images (<none> <none>), found by ID, kept by gc, named by tag, gone by rmi.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from 'tar-stream';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { ustar } from '../../helpers/ustar.js';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blobName = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const REF = 'org.opencontainers.image.ref.name';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-untagged-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const newDir = (prefix: string) => mkdtemp(path.join(tmp, prefix));
const cli = (store: string, args: string[]) => runCli(['--config', tmp, '--store', store, ...args]);

/** A tar written with tar-stream's pack. */
async function makeTar(entries: { name: string; content: Buffer | string }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => p.entry({ name: e.name }, Buffer.from(e.content), (err) => (err ? reject(err) : resolve())));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** One image's parts: a plain-tar layer, its config, and an OCI manifest over them. */
function makeImage() {
  const layer = ustar([{ name: 'hello.txt', content: `hello ${randomBytes(8).toString('hex')}\n` }]);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    }),
  );
  return { layer, config, manifest, id: sha256(config), manifestDigest: sha256(manifest) };
}
type Image = ReturnType<typeof makeImage>;

/** docker save of an image ID (older format): manifest.json with RepoTags null. */
function dockerArchive(image: Image): Promise<Buffer> {
  return makeTar([
    { name: 'l/layer.tar', content: image.layer },
    { name: `${image.id.slice(7)}.json`, content: image.config },
    { name: 'manifest.json', content: JSON.stringify([{ Config: `${image.id.slice(7)}.json`, RepoTags: null, Layers: ['l/layer.tar'] }]) },
  ]);
}

/** An OCI layout tar with index.json only (no manifest.json), as skopeo's oci-archive writes it. */
function ociArchive(image: Image, annotations?: Record<string, string>): Promise<Buffer> {
  const index = { schemaVersion: 2, manifests: [{ mediaType: OCI_MANIFEST, digest: image.manifestDigest, size: image.manifest.length, ...(annotations ? { annotations } : {}) }] };
  return makeTar([
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', content: JSON.stringify(index) },
    ...[image.manifest, image.config, image.layer].map((b) => ({ name: blobName(sha256(b)), content: b })),
  ]);
}

async function load(store: string, tar: Buffer) {
  const file = path.join(tmp, `in-${randomBytes(4).toString('hex')}.tar`);
  await writeFile(file, tar);
  const r = await cli(store, ['load', '-i', file]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

interface RawIndex {
  manifests: { digest: string; annotations?: Record<string, string> }[];
}
const rawIndex = async (store: string) => JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8')) as RawIndex;
const short = (id: string) => id.slice(7, 19);
const hasBlob = (store: string, digest: string) => existsSync(path.join(store, blobName(digest)));

describe('load of an untagged image', () => {
  it('records an unnamed index.json entry, listed as <none> <none>, inspectable by ID prefix, kept by gc', async () => {
    const store = await newDir('store-');
    const image = makeImage();
    expect(await load(store, await dockerArchive(image))).toBe(`Loaded image ID: ${image.id}\n`);
    const index = await rawIndex(store);
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]!.annotations).toBeUndefined();

    const images = await cli(store, ['images', '--format', '{{.Repository}}|{{.Tag}}|{{.ID}}']);
    expect(images.stdout).toBe(`<none>|<none>|${short(image.id)}\n`);
    expect((await cli(store, ['images', '-q'])).stdout).toBe(`${short(image.id)}\n`);
    // A reference filter matches no untagged image, as in docker.
    expect((await cli(store, ['images', '-q', 'app'])).stdout).toBe('');

    const inspect = await cli(store, ['inspect', '--format', '{{.Id}} {{json .RepoTags}} {{json .RepoDigests}}', short(image.id)]);
    expect(inspect.stdout, inspect.stderr).toBe(`${image.id} [] []\n`);

    const gc = await (await LayoutStore.open(store)).gc();
    expect(gc.removed).toEqual([]);
    expect(hasBlob(store, image.id) && hasBlob(store, sha256(image.layer))).toBe(true);

    // Loading it again adds nothing.
    await load(store, await dockerArchive(image));
    expect((await rawIndex(store)).manifests).toHaveLength(1);
  });

  it('tag <id-prefix> names it and drops the unnamed entry', async () => {
    const store = await newDir('tag-');
    const image = makeImage();
    await load(store, await dockerArchive(image));
    const digest = (await rawIndex(store)).manifests[0]!.digest;
    const r = await cli(store, ['tag', short(image.id), 'mine:1']);
    expect(r.code, r.stderr).toBe(0);
    const index = await rawIndex(store);
    expect(index.manifests.map((m) => [m.digest, m.annotations?.[REF]])).toEqual([[digest, 'docker.io/library/mine:1']]);
    expect((await cli(store, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout).toBe(`mine:1 ${short(image.id)}\n`);
  });

  it('rmi <id-prefix> removes it without -f and deletes its blobs', async () => {
    const store = await newDir('rmi-');
    const image = makeImage();
    await load(store, await dockerArchive(image));
    const r = await cli(store, ['rmi', short(image.id)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Deleted: ${image.id}\nDeleted: ${sha256(image.layer)}\n`);
    expect((await rawIndex(store)).manifests).toEqual([]);
    expect(hasBlob(store, image.id) || hasBlob(store, sha256(image.layer))).toBe(false);
    expect((await cli(store, ['inspect', short(image.id)])).code).toBe(4);
  });

  it("rmi of an image's last name also drops an unnamed entry of the same image ID, so its blobs go", async () => {
    const store = await newDir('both-');
    const image = makeImage();
    await load(store, await dockerArchive(image)); // a Docker v2 manifest built by load: digest X
    await load(store, await ociArchive(image, { [REF]: 'docker.io/library/both:1' })); // the OCI manifest: digest Y, same ID
    expect((await rawIndex(store)).manifests).toHaveLength(2);
    // One image ID: only its name is listed.
    expect((await cli(store, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout).toBe('both:1\n');
    const r = await cli(store, ['rmi', 'both:1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['Untagged: both:1', `Deleted: ${image.id}`]);
    expect((await rawIndex(store)).manifests).toEqual([]);
    expect(hasBlob(store, sha256(image.layer))).toBe(false);
  });
});

describe('load of an index.json-only archive whose ref.name is a bare tag (skopeo oci-archive:FILE:v1)', () => {
  it('loads the image untagged (a bare tag names no repository), and a later named load of it replaces the unnamed entry', async () => {
    const store = await newDir('oci-');
    const image = makeImage();
    expect(await load(store, await ociArchive(image, { [REF]: 'v1' }))).toBe(`Loaded image ID: ${image.id}\n`);
    const index = await rawIndex(store);
    expect(index.manifests.map((m) => [m.digest, m.annotations])).toEqual([[image.manifestDigest, undefined]]);
    expect((await cli(store, ['images', '--format', '{{.Repository}} {{.Tag}} {{.ID}}'])).stdout).toBe(`<none> <none> ${short(image.id)}\n`);
    expect((await cli(store, ['inspect', '--format', '{{.Id}}', `sha256:${short(image.id)}`])).stdout).toBe(`${image.id}\n`);

    expect(await load(store, await ociArchive(image, { [REF]: 'quay.io/org/app:v1' }))).toBe('Loaded image: quay.io/org/app:v1\n');
    expect((await rawIndex(store)).manifests.map((m) => m.annotations?.[REF])).toEqual(['quay.io/org/app:v1']);
  });
});
