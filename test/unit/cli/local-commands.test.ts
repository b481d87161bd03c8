// tag / images / rmi / inspect against a store built on disk through LayoutStore (no network):
// two images that share a layer, then the round trip docker users know.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Descriptor } from '../../../src/oci/manifest.js';
import { RESOLVED_DIGEST_ANNOTATION } from '../../../src/ops/pull.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const HOUR = 3_600_000;

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const short = (digest: string) => digest.slice(7, 19);
const filled = (size: number, byte: number) => Buffer.alloc(size, byte);

interface Built {
  name: string;
  manifest: string;
  config: string;
  layers: string[];
  diffIds: string[];
  size: number;
}

async function writeImage(store: LayoutStore, name: string, layers: Buffer[], config: Record<string, unknown>): Promise<Built> {
  const layerDescs: Descriptor[] = [];
  for (const layer of layers) {
    await store.writeBlobBytes(sha256(layer), layer);
    layerDescs.push({ mediaType: OCI_LAYER, digest: sha256(layer), size: layer.length });
  }
  const diffIds = layers.map((l) => sha256(Buffer.concat([Buffer.from('diff:'), l])));
  const configBytes = Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: diffIds } }));
  await store.writeBlobBytes(sha256(configBytes), configBytes);
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(configBytes), size: configBytes.length },
      layers: layerDescs,
    }),
  );
  const manifest = sha256(manifestBytes);
  await store.writeBlobBytes(manifest, manifestBytes);
  await store.putImage(name, {
    mediaType: OCI_MANIFEST,
    digest: manifest,
    size: manifestBytes.length,
    annotations: { [RESOLVED_DIGEST_ANNOTATION]: manifest },
  });
  const size = manifestBytes.length + configBytes.length + layers.reduce((n, l) => n + l.length, 0);
  return { name, manifest, config: sha256(configBytes), layers: layerDescs.map((l) => l.digest), diffIds, size };
}

let dir: string;
let busybox: Built;
let app: Built;
const shared = filled(100_000, 1);

const run = (...args: string[]) => runCli(['--store', dir, ...args]);
const blobExists = (digest: string) =>
  fs.stat(path.join(dir, 'blobs', 'sha256', digest.slice(7))).then(
    () => true,
    () => false,
  );

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-local-'));
  const store = await LayoutStore.open(dir);
  busybox = await writeImage(store, 'docker.io/library/busybox:latest', [shared, filled(50_000, 2)], {
    created: new Date(Date.now() - 3 * 24 * HOUR).toISOString(),
    architecture: 'amd64',
    os: 'linux',
    config: {
      Cmd: ['sh'],
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Labels: { 'z.last': '1', maintainer: 'Busy <busy@example.com>' },
      ExposedPorts: { '80/tcp': {} },
      WorkingDir: '',
    },
    history: [{ created_by: 'ADD rootfs', comment: 'buildkit.dockerfile.v0' }],
  });
  app = await writeImage(store, 'localhost:5000/team/app:1.0', [shared, filled(20_000, 3)], {
    created: new Date(Date.now() - 2 * HOUR).toISOString(),
    architecture: 'arm64',
    variant: 'v8',
    os: 'linux',
    config: { Entrypoint: ['/app'] },
  });
  // Blobs written by this store are pinned against GC until released, as during a pull.
  await store.releasePins();
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('regctl images', () => {
  it("prints docker's classic table, newest first, with familiar names, short IDs, ages and sizes", async () => {
    const r = await run('images');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'REPOSITORY                TAG       IMAGE ID       CREATED       SIZE',
        `localhost:5000/team/app   1.0       ${short(app.config)}   2 hours ago   121kB`,
        `busybox                   latest    ${short(busybox.config)}   3 days ago    151kB`,
        '',
      ].join('\n'),
    );
    expect(app.size).toBeGreaterThan(120_500);
    expect(busybox.size).toBeGreaterThan(150_500);
  });

  it('prints only the header for an empty or missing store', async () => {
    const empty = await runCli(['--store', path.join(dir, 'nothing-here'), 'images']);
    expect(empty).toMatchObject({ code: 0, stdout: 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n' });
    await expect(fs.stat(path.join(dir, 'nothing-here'))).rejects.toThrow();
  });

  it('--digests, --no-trunc and -q', async () => {
    const digests = await run('images', '--digests');
    expect(digests.stdout.split('\n')[0]).toBe('REPOSITORY                TAG       DIGEST                                                                    IMAGE ID       CREATED       SIZE');
    expect(digests.stdout).toContain(`busybox                   latest    ${busybox.manifest}   ${short(busybox.config)}   3 days ago    151kB`);

    const full = await run('images', '--no-trunc', '--format', '{{.ID}}');
    expect(full.stdout).toBe(`${app.config}\n${busybox.config}\n`);

    await run('tag', 'busybox', 'busybox:mine');
    const quiet = await run('images', '-q');
    expect(quiet.stdout).toBe(`${short(app.config)}\n${short(busybox.config)}\n`);
  });

  it('--format json: one object per line with docker\'s fields, HTML characters escaped like docker', async () => {
    const r = await run('images', '--format', 'json', 'busybox');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"Digest":"\\u003cnone\\u003e"');
    expect(JSON.parse(lines[0]!)).toEqual({
      Containers: 'N/A',
      CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/),
      CreatedSince: '3 days ago',
      Digest: '<none>',
      ID: short(busybox.config),
      Repository: 'busybox',
      SharedSize: 'N/A',
      Size: '151kB',
      Tag: 'latest',
      UniqueSize: 'N/A',
      VirtualSize: `${(busybox.size / 1000).toPrecision(4)}kB`,
    });
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(Object.keys(JSON.parse(lines[0]!)).sort());
  });

  it('Go templates, plain and table, with \\t escapes', async () => {
    expect((await run('images', '--format', '{{.Repository}}:{{.Tag}}')).stdout).toBe('localhost:5000/team/app:1.0\nbusybox:latest\n');
    expect((await run('images', '--format', 'table {{.Repository}}\\t{{.ID}}')).stdout).toBe(
      `REPOSITORY                IMAGE ID\nlocalhost:5000/team/app   ${short(app.config)}\nbusybox                   ${short(busybox.config)}\n`,
    );
    // A custom table gets the DIGEST column with --digests.
    expect((await run('images', '--digests', '--format', 'table {{.Tag}}', 'busybox')).stdout).toBe(`TAG       DIGEST\nlatest    ${busybox.manifest}\n`);
  });

  it('filters by REPOSITORY[:TAG], familiar or full, with wildcards', async () => {
    await run('tag', 'busybox', 'busybox:mine');
    const names = async (...args: string[]) => (await run('images', '--format', '{{.Repository}}:{{.Tag}}', ...args)).stdout;
    expect(await names('busybox')).toBe('busybox:latest\nbusybox:mine\n');
    expect(await names('busybox:mine')).toBe('busybox:mine\n');
    expect(await names('docker.io/library/busybox:latest')).toBe('busybox:latest\n');
    expect(await names('localhost:5000/*/*')).toBe('localhost:5000/team/app:1.0\n');
    expect(await names('nothing')).toBe('');
  });

  it('rejects an unknown field with a Go-like message and exit 2, even with no rows', async () => {
    const r = await run('images', '--format', '{{.Foo}}', 'nothing');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type image\n');
    const bad = await run('images', '--format', '{{nope .ID}}');
    expect(bad).toMatchObject({ code: 2, stderr: 'Error: template parsing error: template: :1: function "nope" not defined\n' });
  });
});

describe('regctl tag', () => {
  it('adds a name for the same manifest; only index.json changes; a new repository has no digest', async () => {
    const before = (await fs.readdir(path.join(dir, 'blobs', 'sha256'))).sort();
    expect(await run('tag', 'busybox', 'registry.example.com/tools/busybox:1')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await fs.readdir(path.join(dir, 'blobs', 'sha256'))).sort()).toEqual(before);
    const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'registry.example.com/tools/busybox:1');
    expect(entry).toMatchObject({ digest: busybox.manifest, annotations: { 'io.containerd.image.name': 'registry.example.com/tools/busybox:1' } });
    expect(entry?.annotations?.[RESOLVED_DIGEST_ANNOTATION]).toBeUndefined();
    const rows = (await run('images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}} {{.ID}}')).stdout;
    expect(rows).toBe(
      [
        `localhost:5000/team/app 1.0 ${app.manifest} ${short(app.config)}`,
        `busybox latest ${busybox.manifest} ${short(busybox.config)}`,
        `registry.example.com/tools/busybox 1 <none> ${short(busybox.config)}`,
        '',
      ].join('\n'),
    );
  });

  it('accepts an image ID prefix as source and replaces an existing target', async () => {
    expect((await run('tag', short(app.config).slice(0, 6), 'busybox')).code).toBe(0);
    expect((await run('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}')).stdout).toBe(
      `localhost:5000/team/app:1.0 ${short(app.config)}\nbusybox:latest ${short(app.config)}\n`,
    );
  });

  it("fails like docker for a missing source or a digest target", async () => {
    expect(await run('tag', 'nope', 'x')).toMatchObject({ code: 4, stdout: '', stderr: 'Error: No such image: nope:latest\n' });
    const digest = await run('tag', 'busybox', `x@${busybox.manifest}`);
    expect(digest).toMatchObject({ code: 2, stderr: 'Error: refusing to create a tag with a digest reference\n' });
  });
});

describe('regctl rmi', () => {
  it('untags names one by one, then deletes the image but keeps the layer another image uses', async () => {
    await run('tag', 'busybox', 'busybox:mine');
    await run('tag', 'busybox', 'tools/busybox:v1');

    expect(await run('rmi', 'busybox')).toMatchObject({ code: 0, stdout: 'Untagged: busybox:latest\n' });
    // The last tag of a repository takes its digest reference along (docker prints both).
    expect((await run('rmi', 'busybox:mine')).stdout).toBe(`Untagged: busybox:mine\nUntagged: busybox@${busybox.manifest}\n`);
    expect(await blobExists(busybox.config)).toBe(true);

    const last = await run('rmi', 'tools/busybox:v1');
    expect(last).toMatchObject({ code: 0, stderr: '' });
    expect(last.stdout).toBe(`Untagged: tools/busybox:v1\nDeleted: ${busybox.config}\nDeleted: ${busybox.layers[1]}\n`);
    expect(await blobExists(busybox.layers[1]!)).toBe(false);
    expect(await blobExists(busybox.manifest)).toBe(false);
    expect(await blobExists(shared.length ? busybox.layers[0]! : '')).toBe(true);
    expect((await run('images', '-q')).stdout).toBe(`${short(app.config)}\n`);

    const other = await run('rmi', 'localhost:5000/team/app:1.0');
    expect(other.stdout).toBe(
      [
        'Untagged: localhost:5000/team/app:1.0',
        `Untagged: localhost:5000/team/app@${app.manifest}`,
        `Deleted: ${app.config}`,
        `Deleted: ${app.layers[0]}`,
        `Deleted: ${app.layers[1]}`,
        '',
      ].join('\n'),
    );
    expect(await fs.readdir(path.join(dir, 'blobs', 'sha256'))).toEqual([]);
    expect((await run('images', '-q')).stdout).toBe('');
  });

  it('needs -f to remove an image ID that has several names', async () => {
    await run('tag', 'busybox', 'tools/busybox:v1');
    const refused = await run('rmi', short(busybox.config));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `Error: conflict: unable to delete ${short(busybox.config)} (must be forced) - image is referenced in multiple repositories\n`,
    );
    expect(await blobExists(busybox.config)).toBe(true);

    const forced = await run('rmi', '-f', short(busybox.config));
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(
      [
        'Untagged: busybox:latest',
        `Untagged: busybox@${busybox.manifest}`,
        'Untagged: tools/busybox:v1',
        `Deleted: ${busybox.config}`,
        `Deleted: ${busybox.layers[1]}`,
        '',
      ].join('\n'),
    );
    expect(await blobExists(busybox.layers[0]!)).toBe(true);
  });

  it('removes an image ID with a single name without -f', async () => {
    const r = await run('rmi', `sha256:${short(app.config)}`);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['Untagged: localhost:5000/team/app:1.0', `Untagged: localhost:5000/team/app@${app.manifest}`, `Deleted: ${app.config}`]);
  });

  it('reports a missing image (exit 4), goes on with the others, and with -f only reports it', async () => {
    const r = await run('rmi', 'nope', 'busybox', 'nope2');
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^Untagged: busybox:latest\n/);
    expect(r.stderr).toBe('Error: No such image: nope:latest\nError: No such image: nope2:latest\n');

    const forced = await run('rmi', '-f', 'nope');
    expect(forced).toMatchObject({ code: 0, stdout: '', stderr: 'Error: No such image: nope:latest\n' });
  });

  it('rmi NAME@DIGEST drops only that digest reference while the tag stays', async () => {
    const r = await run('rmi', `busybox@${busybox.manifest}`);
    expect(r).toMatchObject({ code: 0, stdout: `Untagged: busybox@${busybox.manifest}\n` });
    expect((await run('images', '--digests', '--format', '{{.Tag}} {{.Digest}}', 'busybox')).stdout).toBe('latest <none>\n');
  });
});

describe('regctl inspect', () => {
  it("prints docker image inspect's JSON array (4-space indent, HTML characters escaped)", async () => {
    const r = await run('inspect', 'busybox');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^\[\n {4}\{\n {8}"Id": "sha256:/);
    expect(r.stdout).toContain('"maintainer": "Busy \\u003cbusy@example.com\\u003e"');
    const [obj] = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(Object.keys(obj!)).toEqual([
      'Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'DockerVersion', 'Author', 'Config',
      'Architecture', 'Os', 'Size', 'RootFS', 'Metadata', 'Descriptor',
    ]);
    expect(obj).toMatchObject({
      Id: busybox.config,
      RepoTags: ['busybox:latest'],
      RepoDigests: [`busybox@${busybox.manifest}`],
      Parent: '',
      Comment: 'buildkit.dockerfile.v0',
      Architecture: 'amd64',
      Os: 'linux',
      Size: busybox.size,
      RootFS: { Type: 'layers', Layers: busybox.diffIds },
      Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
      Descriptor: { mediaType: OCI_MANIFEST, digest: busybox.manifest },
    });
    // Go's field order, empty fields left out, map keys sorted.
    expect(obj!.Config).toEqual({
      ExposedPorts: { '80/tcp': {} },
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      Labels: { maintainer: 'Busy <busy@example.com>', 'z.last': '1' },
    });
    expect(Object.keys(obj!.Config as object)).toEqual(['ExposedPorts', 'Env', 'Cmd', 'Labels']);
    expect(Object.keys((obj!.Config as { Labels: object }).Labels)).toEqual(['maintainer', 'z.last']);
  });

  it('shows Variant when set, every name of the image, and the time of the last local tag', async () => {
    await run('tag', 'localhost:5000/team/app:1.0', 'app:candidate');
    const [obj] = JSON.parse((await run('inspect', short(app.config))).stdout) as Record<string, unknown>[];
    expect(obj).toMatchObject({
      Architecture: 'arm64',
      Variant: 'v8',
      RepoTags: ['localhost:5000/team/app:1.0', 'app:candidate'],
      RepoDigests: [`localhost:5000/team/app@${app.manifest}`],
      Config: { Entrypoint: ['/app'] },
    });
    expect(Date.now() - Date.parse((obj!.Metadata as { LastTagTime: string }).LastTagTime)).toBeLessThan(60_000);
  });

  it('--format: one rendered line per image; json is one compact array', async () => {
    const r = await run('inspect', '--format', '{{.ID}} {{.Architecture}}{{with .Variant}}/{{.}}{{end}} {{json .Config.Labels}}', 'busybox', 'localhost:5000/team/app:1.0');
    expect(r.stdout).toBe(`${busybox.config} amd64 {"maintainer":"Busy <busy@example.com>","z.last":"1"}\n${app.config} arm64/v8 null\n`);
    expect((await run('inspect', '-f', '{{index .Config.Labels "z.last"}} {{len .RootFS.Layers}}', 'busybox')).stdout).toBe('1 2\n');
    const json = await run('inspect', '--format', 'json', 'busybox');
    expect(json.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(json.stdout)).toHaveLength(1);
  });

  it('No such image: exit 4 after printing what was found', async () => {
    const missing = await run('inspect', 'nope');
    expect(missing).toMatchObject({ code: 4, stdout: '[]\n', stderr: 'Error: No such image: nope:latest\n' });
    const mixed = await run('inspect', '--format', '{{.Os}}', 'nope', 'busybox');
    expect(mixed).toMatchObject({ code: 4, stdout: 'linux\n', stderr: 'Error: No such image: nope:latest\n' });
  });

  it('rejects an unknown template field with exit 2', async () => {
    const r = await run('inspect', '--format', '{{.Config.Nope}}', 'busybox');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("can't evaluate field Nope in type v1.DockerOCIImageConfig");
  });
});
