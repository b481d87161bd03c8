// certs.d conventions (CA, client certificate pairs), daemon.json insecure-registries, and the
// User-Agent, against real TLS servers (the harness's TLS registry and a mutual-TLS edge server).
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../helpers/edge-server.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
let tmp: string;
let edge: EdgeServer;
const noXdg = () => ({ XDG_CONFIG_HOME: path.join(tmp, 'no-xdg'), REGCTL_DAEMON_JSON: '' });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-tls-'));
  if (!available) return;
  const f = inject('files');
  edge = await startEdgeServer({
    tls: {
      cert: await readFile(f.serverCertPath, 'utf8'),
      key: await readFile(f.serverKeyPath, 'utf8'),
      ca: await readFile(f.caCertPath, 'utf8'),
      requestClientCert: true,
    },
  });
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  edge.on('GET', '/v2/team/app/tags/list', (req, res) => sendJson(res, 200, { tags: [req.clientCertCN ?? 'no-client-cert'] }));
});
afterAll(async () => {
  await edge?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function certsDir(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmp, 'certs-'));
  const dir = path.join(root, edge.host);
  await mkdir(dir, { recursive: true });
  for (const [name, from] of Object.entries(files)) await copyFile(from, path.join(dir, name));
  return root;
}

describe.skipIf(!available)('TLS settings', () => {
  it('presents the client certificate pair from certs.d/HOST:PORT/ and trusts its ca.crt', async () => {
    const f = inject('files');
    const root = await certsDir({ 'ca.crt': f.caCertPath, 'client.cert': f.clientCertPath, 'client.key': f.clientKeyPath });
    const r = await runCli(['--config', tmp, '--certs-dir', root, 'tags', `${edge.host}/team/app`], { env: noXdg() });
    expect(r).toMatchObject({ code: 0, stdout: 'regctl-test-client\n' });
    expect(edge.requests.at(-1)!.headers['user-agent']).toMatch(/^regctl\/\d+\.\d+\.\d+ \(node v20/);
  });

  it('finds certs.d under $XDG_CONFIG_HOME/docker like rootless docker', async () => {
    const f = inject('files');
    const xdg = await mkdtemp(path.join(tmp, 'xdg-'));
    await mkdir(path.join(xdg, 'docker', 'certs.d', edge.host), { recursive: true });
    await copyFile(f.caCertPath, path.join(xdg, 'docker', 'certs.d', edge.host, 'ca.crt'));
    const r = await runCli(['--config', tmp, 'tags', `${edge.host}/team/app`], { env: { XDG_CONFIG_HOME: xdg, REGCTL_DAEMON_JSON: '' } });
    expect(r).toMatchObject({ code: 0, stdout: 'no-client-cert\n' });
  });

  it('refuses a client certificate without its key, naming the file', async () => {
    const f = inject('files');
    const root = await certsDir({ 'ca.crt': f.caCertPath, 'client.cert': f.clientCertPath });
    const r = await runCli(['--config', tmp, '--certs-dir', root, 'tags', `${edge.host}/team/app`], { env: noXdg() });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('missing key client.key');
  });

  it('treats registries listed in daemon.json insecure-registries as insecure', async () => {
    const tls = inject('registries').tls;
    const daemon = path.join(tmp, 'daemon.json');
    await writeFile(daemon, JSON.stringify({ 'insecure-registries': [tls.host] }));
    const r = await runCli(['--config', tmp, 'tags', `${tls.host}/demo/hello`], { env: { ...noXdg(), REGCTL_DAEMON_JSON: daemon } });
    expect(r).toMatchObject({ code: 0, stdout: 'v1\n' });
  });

  it('reports a malformed daemon.json with its path and exit 6', async () => {
    const daemon = path.join(tmp, 'bad-daemon.json');
    await writeFile(daemon, '{ "insecure-registries": [ ');
    const r = await runCli(['--config', tmp, 'tags', `${edge.host}/team/app`], { env: { ...noXdg(), REGCTL_DAEMON_JSON: daemon } });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`cannot parse ${daemon}`);
  });
});
