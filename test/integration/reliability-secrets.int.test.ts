// No secret leaks: a bearer-token registry (edge server) that knows one password, issues one
// access token and one refresh token, all three known to the test. A representative set of
// commands runs against it, with and without --debug, succeeding and failing: login, pull,
// push, manifest inspect, tags, search (catalog fallback), digest, a denied pull, a wrong
// password, logout. None of the secrets (nor their Basic/URL/JSON spellings) may appear in any
// output, error message or debug line, nor in any file but the credential store (config.json):
// the store, the config dir and every temp dir the test used are scanned.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { makeEdgeImage, serveEdgeImage } from '../helpers/edge-image.js';
import { bearerChallenge, registryError, sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeHandler, type EdgeServer } from '../helpers/edge-server.js';
import { allOutput, runCli } from '../helpers/run-cli.js';
import { leakedSecrets, secretSpellings } from '../helpers/secret-scan.js';
import { putGeneratedImage } from '../helpers/store-image.js';

const USER = 'secretuser';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const TOKEN = `tok-${randomBytes(16).toString('hex')}`;
const REFRESH = `refresh-${randomBytes(16).toString('hex')}`;
const SECRETS = [PASSWORD, TOKEN, REFRESH];

let tmp: string;
let edge: EdgeServer;
const uploads = new Map<string, Buffer[]>();

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(tmpdir(), 'regctl-rel-secrets-'));
  edge = await startEdgeServer();
  const challenge = bearerChallenge(`${edge.url}/token`, 'edge');
  const basicOk = (h: string | undefined) => h === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  edge.on('GET', '/token', (req, res) => {
    if (!basicOk(req.headers.authorization)) return registryError(401, 'UNAUTHORIZED', 'bad credentials')(req, res);
    sendJson(res, 200, { token: TOKEN, expires_in: 300, ...(req.url.searchParams.get('offline_token') ? { refresh_token: REFRESH } : {}) });
  });
  edge.on('POST', '/token', (req, res) => {
    const form = new URLSearchParams(req.body.toString());
    const ok = (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === REFRESH) || (form.get('username') === USER && form.get('password') === PASSWORD);
    if (!ok) return registryError(401, 'UNAUTHORIZED', 'bad credentials')(req, res);
    sendJson(res, 200, { access_token: TOKEN, refresh_token: REFRESH, expires_in: 300 });
  });
  const authed = (h: EdgeHandler): EdgeHandler => (req, res) => (req.headers.authorization === `Bearer ${TOKEN}` ? h(req, res) : challenge(req, res));
  edge.on('GET', '/v2/', authed((_req, res) => sendJson(res, 200, {})));
  serveEdgeImage(edge, 'team/app', 'v1', makeEdgeImage(), authed);
  edge.on('GET', '/v2/team/app/tags/list', authed((_req, res) => sendJson(res, 200, { name: 'team/app', tags: ['v1'] })));
  edge.on('GET', '/v2/_catalog', authed((_req, res) => sendJson(res, 200, { repositories: ['team/app'] })));
  edge.on('GET', '/v2/denied/app/manifests/v1', authed(registryError(403, 'DENIED', 'requested access to the resource is denied')));
  // Push: blobs are unknown, uploads are kept in memory, manifests accepted.
  edge.on('HEAD', /^\/v2\/team\/pushed\/blobs\/.+$/, authed(registryError(404, 'BLOB_UNKNOWN', 'blob unknown')));
  edge.on('POST', '/v2/team/pushed/blobs/uploads/', authed((req, res) => {
    const id = randomBytes(8).toString('hex');
    uploads.set(id, []);
    res.writeHead(202, { location: `/v2/team/pushed/blobs/uploads/${id}`, range: '0-0', 'docker-upload-uuid': id }).end();
  }));
  edge.on('PATCH', /^\/v2\/team\/pushed\/blobs\/uploads\/(\w+)$/, authed((req, res) => {
    const parts = uploads.get(req.match![1]!) ?? [];
    parts.push(req.body);
    const size = parts.reduce((a, b) => a + b.length, 0);
    res.writeHead(202, { location: req.url.pathname, range: `0-${size - 1}` }).end();
  }));
  edge.on('PUT', /^\/v2\/team\/pushed\/blobs\/uploads\/(\w+)$/, authed((req, res) => {
    const body = Buffer.concat([...(uploads.get(req.match![1]!) ?? []), req.body]);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (digest !== req.url.searchParams.get('digest')) return registryError(400, 'DIGEST_INVALID', 'digest mismatch')(req, res);
    res.writeHead(201, { location: `/v2/team/pushed/blobs/${digest}`, 'docker-content-digest': digest }).end();
  }));
  edge.on('PUT', /^\/v2\/team\/pushed\/manifests\/.+$/, authed((req, res) => {
    const digest = `sha256:${createHash('sha256').update(req.body).digest('hex')}`;
    res.writeHead(201, { 'docker-content-digest': digest, location: `/v2/team/pushed/manifests/${digest}` }).end();
  }));
});
afterAll(async () => {
  await edge?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Every file under `dir` (config.json of `allowed` excepted) that holds a secret spelling. */
async function filesWithSecrets(dir: string, allowed: string): Promise<string[]> {
  const forms = SECRETS.flatMap((s) => secretSpellings(s, [USER]));
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (file === allowed) continue;
    const text = (await fs.readFile(file)).toString('latin1');
    if (forms.some((f) => text.includes(f))) found.push(file);
  }
  return found;
}

describe('reliability: secrets never leak', () => {
  it('no password, token or refresh token in any output, debug line, error or file but the credential store', async () => {
    const cfg = await fs.mkdtemp(path.join(tmp, 'cfg-'));
    const store = await fs.mkdtemp(path.join(tmp, 'store-'));
    const env = { DOCKER_CONFIG: cfg, DOCKER_AUTH_CONFIG: '' };
    const host = edge.host;
    const g = (...a: string[]) => ['--store', store, ...a];
    const pushed = `${host}/team/pushed:v1`;
    await putGeneratedImage(await LayoutStore.open(store), pushed, { layerSizes: [5000] });

    const runs: [string[], number | 'nonzero', string?][] = [
      [['login', '-u', USER, '-p', 'wrong-password', host], 'nonzero'],
      [['--debug', 'login', '-u', USER, '--password-stdin', host], 0, `${PASSWORD}\n`],
      [g('--debug', 'pull', `${host}/team/app:v1`), 0],
      [g('pull', '--progress', 'json', `${host}/team/app:v1`), 0],
      [g('--debug', 'push', pushed), 0],
      [['--debug', 'manifest', 'inspect', '--verbose', `${host}/team/app:v1`], 0],
      [['tags', `${host}/team/app`], 0],
      [['--debug', 'search', `${host}/app`], 0],
      [['--debug', 'digest', `${host}/team/app:v1`], 0],
      [g('--debug', 'pull', `${host}/denied/app:v1`), 'nonzero'],
      [g('--debug', 'inspect', `${host}/team/app:v1`), 0],
      [['--debug', 'logout', host], 0],
      [g('--debug', 'pull', `${host}/team/app:v1`), 'nonzero'],
    ];
    const first = allOutput.length;
    for (const [args, code, stdin] of runs) {
      const r = await runCli(args, { env, ...(stdin ? { stdin } : {}) });
      if (code === 'nonzero') expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      else expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
    }
    const outputs = allOutput.slice(first);
    expect(outputs.join('')).toContain('DEBUG'); // the debug lines were there to be scanned
    expect(leakedSecrets(outputs, SECRETS, [USER])).toEqual([]);
    // Files: the store, the config dir (config.json is the credential store), the temp dirs.
    expect(await filesWithSecrets(tmp, path.join(cfg, 'config.json'))).toEqual([]);
    expect(await filesWithSecrets(store, '')).toEqual([]);
    // The secrets were really in play, and the scanners would have seen a leak.
    expect(edge.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(leakedSecrets([`x ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')} y`], SECRETS, [USER])).toEqual([PASSWORD]);
    const canary = path.join(store, 'canary');
    await fs.writeFile(canary, JSON.stringify({ t: REFRESH }));
    expect(await filesWithSecrets(tmp, path.join(cfg, 'config.json'))).toEqual([canary]);
    await fs.rm(canary);
  });
});
