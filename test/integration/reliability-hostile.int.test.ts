// Hostile and malformed registry responses at the CLI, served by an edge server: each one ends
// in one clear `Error:` line (an optional `hint:` line), a non-zero exit and nothing indexed,
// with the store still valid and the bad bytes never visible as a blob. Unit tests cover the
// same checks below the CLI: test/unit/store/remote/manifest.test.ts (pinned/claimed digest,
// 4 MiB cap), test/unit/transport/registry-transport.test.ts (redirects), pull.int.test.ts
// (blob digest mismatch, schema 1).
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeEdgeImage, OCI_MANIFEST, serveEdgeImage, type EdgeImage } from '../helpers/edge-image.js';
import { bearerChallenge, blob, digestOf, manifest, raw, redirect, sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeHandler, type EdgeServer } from '../helpers/edge-server.js';
import { indexNames, storeProblems } from '../helpers/reliability.js';
import { runCli } from '../helpers/run-cli.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ONE_ERROR = /^Error: [^\n]+\n(hint: [^\n]+\n)?$/;

let tmp: string;
let edge: EdgeServer;
let image: EdgeImage;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-rel-hostile-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
afterEach(() => edge?.close());

async function freshEdge(): Promise<void> {
  edge = await startEdgeServer();
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  image = makeEdgeImage();
  serveEdgeImage(edge, 'h/app', 'v1', image);
}

async function pullFails(ref: string, extra: string[] = []): Promise<{ stderr: string; store: string }> {
  const store = await mkdtemp(path.join(tmp, 'store-'));
  const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
  const r = await runCli(['--config', cfg, '--store', store, ...extra, 'pull', ref]);
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  expect(r.stderr).toMatch(ONE_ERROR);
  expect(r.stderr).not.toMatch(/internal error|    at /);
  expect(await indexNames(store)).toEqual([]);
  expect(await storeProblems(store).catch(() => [])).toEqual([]);
  return { stderr: r.stderr, store };
}

async function blobFiles(store: string): Promise<string[]> {
  return readdir(path.join(store, 'blobs', 'sha256')).catch(() => []);
}

/** Writes `body` with a Content-Length of `declared`, then drops the connection. */
function lyingLength(body: Buffer, declared: number, type: string, digest?: string): EdgeHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': declared, ...(digest ? { 'docker-content-digest': digest } : {}) });
    res.write(body, () => res.socket?.destroy());
  };
}

describe('reliability: hostile registry responses', () => {
  it('a manifest whose Content-Length is larger than its body', async () => {
    await freshEdge();
    edge.on('GET', '/v2/h/app/manifests/v1', lyingLength(image.manifest, image.manifest.length + 100, OCI_MANIFEST, image.digest));
    const { stderr } = await pullFails(`${edge.host}/h/app:v1`);
    expect(stderr).toMatch(/connection lost|closed|terminated/i);
  });

  it('a layer whose Content-Length is larger than its body (retried, then given up; bounded)', async () => {
    await freshEdge();
    edge.on('GET', `/v2/h/app/blobs/${image.layerDigest}`, lyingLength(image.layer.subarray(0, 1000), image.layer.length, 'application/octet-stream'));
    const { store } = await pullFails(`${edge.host}/h/app:v1`);
    expect(await blobFiles(store)).not.toContain(image.layerDigest.slice(7));
    expect(edge.requests.filter((r) => r.url.endsWith(image.layerDigest))).toHaveLength(5);
  }, 20_000);

  it('a layer body longer than the descriptor\'s size', async () => {
    await freshEdge();
    edge.on('GET', `/v2/h/app/blobs/${image.layerDigest}`, blob(Buffer.concat([image.layer, Buffer.from('trailing junk')])));
    const { stderr, store } = await pullFails(`${edge.host}/h/app:v1`);
    expect(stderr).toContain('larger than its expected size');
    expect(await blobFiles(store)).not.toContain(image.layerDigest.slice(7));
  });

  it('a layer whose bytes do not match its digest', async () => {
    await freshEdge();
    const forged = Buffer.from(image.layer);
    forged[100] ^= 0xff;
    edge.on('GET', `/v2/h/app/blobs/${image.layerDigest}`, raw(200, forged, { 'content-type': 'application/octet-stream', 'content-length': forged.length }));
    const { stderr, store } = await pullFails(`${edge.host}/h/app:v1`);
    expect(stderr).toContain('digest mismatch');
    expect(await blobFiles(store)).not.toContain(image.layerDigest.slice(7));
  });

  it('a manifest over 4 MiB', async () => {
    await freshEdge();
    const huge = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, pad: 'x'.repeat(5 * 1024 * 1024) }));
    edge.on('GET', '/v2/h/app/manifests/v1', manifest(huge, OCI_MANIFEST));
    const { stderr } = await pullFails(`${edge.host}/h/app:v1`);
    expect(stderr).toMatch(/4 MiB|4194304|too large|exceeds/i);
  });

  it('a manifest that is not JSON', async () => {
    await freshEdge();
    edge.on('GET', '/v2/h/app/manifests/v1', manifest('{"schemaVersion": 2, "layers": [', OCI_MANIFEST));
    const { stderr } = await pullFails(`${edge.host}/h/app:v1`);
    expect(stderr).toMatch(/JSON|invalid manifest/i);
  });

  it('a manifest whose bytes do not match the pinned digest of the reference', async () => {
    await freshEdge();
    const other = makeEdgeImage();
    edge.on('GET', `/v2/h/app/manifests/${image.digest}`, manifest(other.manifest, OCI_MANIFEST, image.digest));
    const { stderr } = await pullFails(`${edge.host}/h/app@${image.digest}`);
    expect(stderr).toContain('digest mismatch');
  });

  it('an index whose platform entry leads back to the index itself (served for the child digest)', async () => {
    await freshEdge();
    // A true self-reference cannot exist (an index cannot contain its own hash); a registry can
    // only answer the child's digest with the index again, which the digest check refuses.
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_INDEX, digest: image.digest, size: 999, platform: { os: 'linux', architecture: 'amd64' } }],
    }));
    edge.on('GET', '/v2/h/app/manifests/loop', manifest(index, OCI_INDEX));
    edge.on('GET', `/v2/h/app/manifests/${image.digest}`, manifest(index, OCI_INDEX, image.digest));
    const { stderr } = await pullFails(`${edge.host}/h/app:loop`, []);
    expect(stderr).toMatch(/digest mismatch|expected an image manifest|index/i);
    const again = await pullFails(`${edge.host}/h/app:loop`, ['--debug']).catch((e: unknown) => e);
    expect(again).toBeDefined();
  });

  it('a redirect loop', async () => {
    await freshEdge();
    edge.on('GET', '/v2/h/app/manifests/v1', redirect('/v2/h/app/manifests/v1'));
    const { stderr } = await pullFails(`${edge.host}/h/app:v1`);
    expect(stderr).toContain('too many redirects');
    expect(edge.requests.filter((r) => r.url === '/v2/h/app/manifests/v1').length).toBeLessThanOrEqual(11);
  });

  it('a 200 HEAD without Docker-Content-Digest: `digest` falls back to a verified GET', async () => {
    await freshEdge();
    edge.on('HEAD', '/v2/h/app/manifests/v1', raw(200, '', { 'content-type': OCI_MANIFEST }));
    const r = await runCli(['--config', await mkdtemp(path.join(tmp, 'cfg-')), 'digest', `${edge.host}/h/app:v1`]);
    expect(r).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    // And a GET that then lies about the bytes is refused.
    edge.on('GET', '/v2/h/app/manifests/v1', manifest(makeEdgeImage().manifest, OCI_MANIFEST, image.digest));
    const bad = await runCli(['--config', await mkdtemp(path.join(tmp, 'cfg-')), 'digest', `${edge.host}/h/app:v1`]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(ONE_ERROR);
  });
});

describe.skipIf(!inject('registriesAvailable'))('reliability: token realm scheme', () => {
  it('refuses a plain-HTTP token realm for an HTTPS registry and sends it nothing', async () => {
    const files = inject('files');
    const realmServer = await startEdgeServer();
    try {
      realmServer.on('GET', '/token', (_req, res) => sendJson(res, 200, { token: 'should-never-be-asked' }));
      edge = await startEdgeServer({ tls: { cert: await readFile(files.serverCertPath, 'utf8'), key: await readFile(files.serverKeyPath, 'utf8') } });
      edge.on('GET', '/v2/', bearerChallenge(`${realmServer.url}/token`, 'edge'));
      edge.on('GET', '/v2/h/app/manifests/v1', bearerChallenge(`${realmServer.url}/token`, 'edge', 'repository:h/app:pull'));
      const certs = await mkdtemp(path.join(tmp, 'certs-'));
      await mkdir(path.join(certs, edge.host), { recursive: true });
      await copyFile(files.caCertPath, path.join(certs, edge.host, 'ca.crt'));
      const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
      const store = await mkdtemp(path.join(tmp, 'store-'));
      const r = await runCli(['--config', cfg, '--store', store, '--certs-dir', certs, 'pull', `${edge.host}/h/app:v1`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(ONE_ERROR);
      expect(r.stderr).toContain('refusing plain-HTTP token realm');
      expect(realmServer.requests).toEqual([]);
      expect(await indexNames(store)).toEqual([]);
    } finally {
      await realmServer.close();
    }
  });
});

export { digestOf };
