// The embedded registry and a regctl store on one directory: one blob store, and the store's
// pins and index lock honoured, so a gc (`regctl prune`, `rmi`) running against the directory
// never deletes an upload whose manifest has not been linked yet.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegistryServer, type RunningRegistryServer } from '../../../src/registry-server/server.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { rawRequest } from '../../helpers/raw-http.js';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, exists, makeTempDir, removeTempDirs, runScript, sha256, transpiledStoreModule, writeImage } from '../store/layout/support.js';

const servers: RunningRegistryServer[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await removeTempDirs();
});

async function serve(dir: string): Promise<RunningRegistryServer> {
  const server = await startRegistryServer('127.0.0.1:0', { dir });
  servers.push(server);
  return server;
}

async function upload(server: RunningRegistryServer, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const r = await rawRequest(`${server.url}/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
  expect(r.status).toBe(201);
  return digest;
}

function manifestOf(config: Buffer, layer: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: sha256(layer), size: layer.length }],
    }),
  );
}

function putManifest(server: RunningRegistryServer, repo: string, reference: string, manifest: Buffer) {
  return rawRequest(`${server.url}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } });
}

describe('registry serve on a store directory', () => {
  it('an upload whose manifest is not linked yet survives a gc in another process; once linked the manifest keeps it; once deleted gc frees it', async () => {
    const dir = await makeTempDir();
    const server = await serve(dir);
    const layer = randomBytes(3000);
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const layerDigest = await upload(server, 'team/app', layer);
    await upload(server, 'team/app', config);

    // `regctl prune` against the same directory, from another process.
    const moduleUrl = await transpiledStoreModule();
    const gc = await runScript(`
      const { LayoutStore } = await import(${JSON.stringify(moduleUrl)});
      const result = await (await LayoutStore.open(${JSON.stringify(dir)})).gc();
      console.log(JSON.stringify(result.removed));
    `);
    expect(gc.stderr).toBe('');
    expect(JSON.parse(gc.stdout)).toEqual([]);

    // One blob store: the upload is the store's blob file, and the manifest can now be linked.
    const store = await LayoutStore.open(dir);
    expect(await store.readBlobBytes(layerDigest)).toEqual(layer);
    const manifest = manifestOf(config, layer);
    const put = await putManifest(server, 'team/app', 'v1', manifest);
    expect(put.status, put.text()).toBe(201);
    expect((await store.gc()).removed).toEqual([]);

    // Linking released the pins: with the manifest deleted, nothing holds the blobs any more.
    expect((await rawRequest(`${server.url}/v2/team/app/manifests/${sha256(manifest)}`, { method: 'DELETE' })).status).toBe(202);
    expect((await store.gc()).removed.sort()).toEqual([sha256(manifest), sha256(config), layerDigest].sort());
  });

  it('an upload no manifest reached becomes collectable once the registry stops (its pins go with it)', async () => {
    const dir = await makeTempDir();
    const server = await serve(dir);
    const digest = await upload(server, 'raw/blob', randomBytes(500));
    const store = await LayoutStore.open(dir);
    expect((await store.gc()).removed).toEqual([]);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    expect((await store.gc()).removed).toEqual([digest]);
  });

  it('links a manifest under the store index lock, so it never interleaves with a gc or an index update', async () => {
    const dir = await makeTempDir();
    const server = await serve(dir);
    const layer = randomBytes(200);
    const config = Buffer.from('{"os":"linux"}');
    await upload(server, 'locked/app', layer);
    await upload(server, 'locked/app', config);
    const store = await LayoutStore.open(dir);
    const events: string[] = [];
    let entered!: () => void;
    const inLock = new Promise<void>((resolve) => (entered = resolve));
    const held = store.updateIndex(async () => {
      entered();
      await new Promise((r) => setTimeout(r, 300));
      events.push('lock released');
    });
    await inLock;
    const put = putManifest(server, 'locked/app', 'v1', manifestOf(config, layer)).then((r) => {
      events.push(`manifest ${r.status}`);
    });
    await Promise.all([held, put]);
    expect(events).toEqual(['lock released', 'manifest 201']);
  });

  it('a session upload with the wrong digest leaves nothing in the store', async () => {
    const dir = await makeTempDir();
    const server = await serve(dir);
    const data = randomBytes(100);
    const start = await rawRequest(`${server.url}/v2/raw/wrong/blobs/uploads/`, { method: 'POST' });
    const loc = new URL(String(start.headers.location), server.url).toString();
    expect((await rawRequest(loc, { method: 'PATCH', body: data })).status).toBe(202);
    const wrong = sha256('something else');
    const put = await rawRequest(`${loc}?digest=${wrong}`, { method: 'PUT' });
    expect(put.status).toBe(400);
    expect(put.json()).toMatchObject({ errors: [{ code: 'DIGEST_INVALID', detail: { expected: wrong, actual: sha256(data) } }] });
    expect(await fs.readdir(path.join(dir, 'blobs', 'sha256'))).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'registry', 'uploads'))).toEqual([]);
  });

  it('serves images a store pull wrote, named as the store reads names (containerd exports too)', async () => {
    const dir = await makeTempDir();
    const store = await LayoutStore.open(dir);
    const layer = randomBytes(1000);
    const img = await writeImage(store, [layer]);
    await store.putImage('127.0.0.1:5000/team/app:1.0', img.descriptor);
    await store.releasePins();
    // A containerd export names the image in io.containerd.image.name; ref.name is just the tag.
    const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
    index.manifests.push({ ...index.manifests[0]!, annotations: { 'org.opencontainers.image.ref.name': 'latest', 'io.containerd.image.name': 'docker.io/library/app:latest' } });
    await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify(index));

    const server = await serve(dir);
    for (const [repo, tag] of [['127.0.0.1_5000/team/app', '1.0'], ['docker.io/library/app', 'latest']] as const) {
      const got = await rawRequest(`${server.url}/v2/${repo}/manifests/${tag}`);
      expect(got.status).toBe(200);
      expect(got.headers['docker-content-digest']).toBe(img.manifestDigest);
    }
    const range = await rawRequest(`${server.url}/v2/127.0.0.1_5000/team/app/blobs/${img.layerDigests[0]}`, { headers: { range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.body).toEqual(layer.subarray(10, 20));
    expect(await exists(path.join(dir, 'registry', 'repositories'))).toBe(true);
  });
});
