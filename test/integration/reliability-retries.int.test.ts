// Retry policy at the CLI, counted at an edge server: Retry-After is honoured and shown,
// 401/403/404 are never retried, and a bearer token the registry stops accepting in the middle
// of a pull is renewed exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeEdgeImage, serveEdgeImage } from '../helpers/edge-image.js';
import { bearerChallenge, raw, registryError, sendJson, sequence } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeHandler, type EdgeServer } from '../helpers/edge-server.js';
import { indexNames, storeProblems } from '../helpers/reliability.js';
import { runCli } from '../helpers/run-cli.js';

let tmp: string;
let edge: EdgeServer;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-rel-retry-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
afterEach(() => edge?.close());

async function pull(ref: string, extra: string[] = []) {
  const store = await mkdtemp(path.join(tmp, 'store-'));
  const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
  const r = await runCli(['--config', cfg, '--store', store, ...extra, 'pull', ref]);
  return { ...r, store };
}
const hits = (p: string) => edge.requests.filter((r) => r.url.split('?')[0] === p).length;

describe('reliability: retries', () => {
  it('honours Retry-After on a 429 and shows "Retrying in N seconds"', async () => {
    edge = await startEdgeServer();
    edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    const image = makeEdgeImage();
    serveEdgeImage(edge, 'slow/app', 'v1', image);
    // Routes added later win: this one answers the tag with a 429 first.
    const later = sequence(
      raw(429, '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', { 'content-type': 'application/json', 'retry-after': '1' }),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': image.digest }).end(image.manifest);
      },
    );
    edge.on('GET', '/v2/slow/app/manifests/v1', later);
    const started = performance.now();
    const r = await pull(`${edge.host}/slow/app:v1`);
    expect(r.code, r.stderr).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.stderr).toMatch(/Retrying in 1 second\n/);
    expect(hits('/v2/slow/app/manifests/v1')).toBe(2);
    expect(await storeProblems(r.store)).toEqual([]);
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'DENIED'],
    [404, 'MANIFEST_UNKNOWN'],
  ] as const)('never retries a %i (one request, one line, non-zero exit, nothing stored)', async (status, code) => {
    edge = await startEdgeServer();
    edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    edge.on('GET', '/v2/no/app/manifests/v1', registryError(status, code, 'no'));
    const image = makeEdgeImage();
    serveEdgeImage(edge, 'blob/app', 'v1', image);
    edge.on('GET', `/v2/blob/app/blobs/${image.layerDigest}`, registryError(status, 'BLOB_UNKNOWN', 'no'));
    for (const [ref, p] of [
      [`${edge.host}/no/app:v1`, '/v2/no/app/manifests/v1'],
      [`${edge.host}/blob/app:v1`, `/v2/blob/app/blobs/${image.layerDigest}`],
    ] as const) {
      const r = await pull(ref);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/^Error: /);
      expect(r.stderr).not.toContain('Retrying');
      expect(hits(p)).toBe(1);
      expect(await indexNames(r.store)).toEqual([]);
    }
  });

  it('renews a bearer token that expires mid-pull exactly once', async () => {
    edge = await startEdgeServer();
    let issued = 0;
    const uses = new Map<string, number>();
    const challenge = bearerChallenge(`${edge.url}/token`, 'edge');
    edge.on('GET', '/token', (_req, res) => sendJson(res, 200, { token: `tok-${++issued}`, expires_in: 300 }));
    // Each token is good for 2 requests: the third one (the layer) finds it expired.
    const gate = (h: EdgeHandler): EdgeHandler => (req, res) => {
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const used = token ? (uses.get(token) ?? 0) + 1 : 0;
      if (token) uses.set(token, used);
      if (!token || used > 2) return challenge(req, res);
      return h(req, res);
    };
    edge.on('GET', '/v2/', challenge);
    const image = makeEdgeImage();
    serveEdgeImage(edge, 'tok/app', 'v1', image, gate);
    const r = await pull(`${edge.host}/tok/app:v1`);
    expect(r.code, r.stderr).toBe(0);
    expect(issued).toBe(2);
    expect(await storeProblems(r.store)).toEqual([]);

    // A registry that rejects every token: one renewal per request, then a clear failure.
    issued = 0;
    uses.clear();
    edge.on('GET', `/v2/tok/app/manifests/v1`, challenge);
    const denied = await pull(`${edge.host}/tok/app:v1`);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/^Error: /);
    expect(issued).toBe(2);
  });
});
