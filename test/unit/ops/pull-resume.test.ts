// A pull continues a partial blob left in the store's staging area by an earlier, interrupted
// run: it asks for `Range: bytes=N-` and verifies the whole digest; a registry that ignores
// Range gets a clean restart of that blob.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pull } from '../../../src/ops/pull.js';
import type { TransferEvent } from '../../../src/ops/transfer.js';
import { parseReference } from '../../../src/reference/parse.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { RemoteRegistry } from '../../../src/store/remote/remote-registry.js';
import { digestOf, manifest, raw, sendJson } from '../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../../helpers/edge-server.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

const layer = randomBytes(256 * 1024);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
const body = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(layer), size: layer.length }],
  }),
);

async function setup(honourRange: boolean): Promise<{ edge: EdgeServer; store: LayoutStore; remote: RemoteRegistry }> {
  const edge = await startEdgeServer();
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  edge.on('GET', '/v2/demo/app/manifests/v1', manifest(body, 'application/vnd.oci.image.manifest.v1+json'));
  edge.on('GET', `/v2/demo/app/blobs/${digestOf(config)}`, raw(200, config));
  edge.on('GET', `/v2/demo/app/blobs/${digestOf(layer)}`, (req, res) => {
    const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    if (honourRange && m) {
      const from = Number(m[1]);
      res.writeHead(206, { 'content-range': `bytes ${from}-${layer.length - 1}/${layer.length}`, 'content-length': layer.length - from });
      res.end(layer.subarray(from));
    } else {
      res.writeHead(200, { 'content-length': layer.length }).end(layer);
    }
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'regctl-resume-'));
  const store = await LayoutStore.open(dir);
  const remote = new RemoteRegistry();
  cleanup.push(() => edge.close(), () => remote.close(), () => rm(dir, { recursive: true, force: true }));
  return { edge, store, remote };
}

/** Leaves a partial of the first `n` bytes, as a run killed mid-layer would. */
async function leavePartial(store: LayoutStore, n: number): Promise<void> {
  async function* cut() {
    yield layer.subarray(0, n);
    throw new Error('connection dropped');
  }
  await expect(store.writeBlob(digestOf(layer), cut(), { size: layer.length })).rejects.toThrow('connection dropped');
  await store.releasePins();
  expect(await store.partialLength(digestOf(layer))).toBe(n);
}

describe('pull resumes partial blobs', () => {
  it('asks for the rest with Range and verifies the whole digest', async () => {
    const { edge, store, remote } = await setup(true);
    await leavePartial(store, 100_000);
    const events: TransferEvent[] = [];
    const result = await pull(remote, store, parseReference(`${edge.host}/demo/app:v1`), { onProgress: (e) => events.push(e) });
    expect(result.upToDate).toBe(false);
    expect(result.bytesDownloaded).toBe(config.length + layer.length - 100_000);
    const layerReq = edge.requests.find((r) => r.url.endsWith(digestOf(layer)))!;
    expect(layerReq.headers.range).toBe('bytes=100000-');
    expect(await store.hasBlob(digestOf(layer))).toBe(layer.length);
    const last = events.filter((e) => e.type === 'blob' && e.digest === digestOf(layer) && e.state === 'transferring').at(-1);
    expect(last).toMatchObject({ current: layer.length, size: layer.length });
  });

  it('restarts the blob cleanly when the registry ignores Range', async () => {
    const { edge, store, remote } = await setup(false);
    await leavePartial(store, 50_000);
    const result = await pull(remote, store, parseReference(`${edge.host}/demo/app:v1`));
    expect(result.bytesDownloaded).toBe(config.length + layer.length);
    expect(await store.hasBlob(digestOf(layer))).toBe(layer.length);
    expect(await store.partialLength(digestOf(layer))).toBe(0);
  });

  it('stores a partial that is already complete without asking for bytes=<size>- (which gets a 416)', async () => {
    const { edge, store, remote } = await setup(true);
    await leavePartial(store, layer.length);
    const result = await pull(remote, store, parseReference(`${edge.host}/demo/app:v1`));
    expect(result.bytesDownloaded).toBe(config.length);
    expect(edge.requests.filter((r) => r.url.endsWith(digestOf(layer)))).toEqual([]);
    expect(await store.hasBlob(digestOf(layer))).toBe(layer.length);
  });

  it('starts the blob over when the registry answers 416 to the Range request', async () => {
    const { edge, store, remote } = await setup(true);
    edge.on('GET', `/v2/demo/app/blobs/${digestOf(layer)}`, (req, res) => {
      if (req.headers.range) res.writeHead(416, { 'content-range': `bytes */${layer.length}` }).end();
      else res.writeHead(200, { 'content-length': layer.length }).end(layer);
    });
    await leavePartial(store, 10_000);
    const result = await pull(remote, store, parseReference(`${edge.host}/demo/app:v1`));
    expect(result.bytesDownloaded).toBe(config.length + layer.length);
    const asked = edge.requests.filter((r) => r.url.endsWith(digestOf(layer)));
    expect(asked.map((r) => r.headers.range)).toEqual(['bytes=10000-', undefined]);
    expect(await store.hasBlob(digestOf(layer))).toBe(layer.length);
  });
});
