// Layers of 16 MiB and more are hashed on a worker thread (blob-hasher.ts), with an inline
// fallback. The worker's code travels as source text so that it also runs from the esbuild
// bundle of the CLI: these tests drive the real binary (bin/regctl.js -> dist/bundle) against a
// local server, for a good layer and for one whose bytes do not match its digest. (Which of the
// two hashers ran is covered by the unit tests in test/unit/store/layout/blob-writer-worker*.)
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_HASH_MIN_BYTES } from '../../src/store/layout/blob-hasher.js';
import { blob, digestOf, manifest, sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../helpers/edge-server.js';
import { runUnchecked } from '../helpers/run-process.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let tmp: string;
let edge: EdgeServer;
const layer = randomBytes(WORKER_HASH_MIN_BYTES + 1024 * 1024);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }));

function imageManifest(layerDigest: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-big-layer-'));
  edge = await startEdgeServer();
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  edge.on('GET', `/v2/big/good/blobs/${digestOf(config)}`, blob(config));
  edge.on('GET', `/v2/big/bad/blobs/${digestOf(config)}`, blob(config));
  edge.on('GET', `/v2/big/good/blobs/${digestOf(layer)}`, blob(layer));
  edge.on('GET', '/v2/big/good/manifests/v1', manifest(imageManifest(digestOf(layer)), OCI_MANIFEST));
  // Same size, one byte different: only the digest check can tell.
  const liar = Buffer.from(layer);
  liar[liar.length - 1] ^= 0xff;
  edge.on('GET', `/v2/big/bad/blobs/${digestOf(layer)}`, blob(liar));
  edge.on('GET', '/v2/big/bad/manifests/v1', manifest(imageManifest(digestOf(layer)), OCI_MANIFEST));
});
afterAll(async () => {
  await edge?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function pull(ref: string) {
  const store = await mkdtemp(path.join(tmp, 'store-'));
  const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
  const r = await runUnchecked(process.execPath, [path.resolve('bin/regctl.js'), '--config', cfg, '--store', store, 'pull', '-q', ref]);
  return { ...r, store };
}

describe('pull of a layer hashed on a worker thread, through the bundled binary', () => {
  it('stores the layer byte for byte', async () => {
    const r = await pull(`${edge.host}/big/good:v1`);
    expect(r.code, r.stderr).toBe(0);
    const stored = await readFile(path.join(r.store, 'blobs/sha256', digestOf(layer).slice('sha256:'.length)));
    expect(stored.equals(layer)).toBe(true);
  }, 60_000);

  it('refuses a layer whose bytes do not match its digest and keeps nothing of it', async () => {
    const r = await pull(`${edge.host}/big/bad:v1`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/digest|checksum/i);
    expect(await readdir(path.join(r.store, 'blobs/sha256'))).not.toContain(digestOf(layer).slice('sha256:'.length));
    const index = JSON.parse(await readFile(path.join(r.store, 'index.json'), 'utf8')) as { manifests: unknown[] };
    expect(index.manifests).toEqual([]);
  }, 60_000);
});
