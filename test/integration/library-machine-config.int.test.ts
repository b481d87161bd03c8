// A library user on the same machine gets what the CLI gets (src/session.ts): daemon.json's
// insecure-registries and registry-mirrors, registries.json's mirrors and the certs.d
// directories, all found through the client's `env`, against the harness's real registries.
// Each case runs the CLI and RegistryClient on the same files.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { runCli } from '../helpers/run-cli.js';
import { isolatedMachineEnv } from '../helpers/isolated-machine.js';

const available = inject('registriesAvailable');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-machine-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A machine of its own: nothing from the real HOME, /etc/docker/daemon.json or XDG dirs. */
async function machine(files: { daemon?: unknown; registries?: unknown } = {}): Promise<NodeJS.ProcessEnv> {
  const dir = await mkdtemp(path.join(tmp, 'm-'));
  const env = isolatedMachineEnv(dir);
  if (files.daemon) await writeFile(env.REGCTL_DAEMON_JSON!, JSON.stringify(files.daemon));
  if (files.registries) await writeFile(env.REGCTL_REGISTRIES_JSON!, JSON.stringify(files.registries));
  return env;
}

async function withClient<T>(env: NodeJS.ProcessEnv, use: (client: RegistryClient) => Promise<T>): Promise<T> {
  const warnings: string[] = [];
  const client = new RegistryClient({ env, onWarning: (m) => warnings.push(m) });
  try {
    return await use(client);
  } finally {
    await client.close();
    expect(warnings).toEqual([]);
  }
}

describe.skipIf(!available)('RegistryClient and the CLI read the same machine setup', () => {
  const tls = () => inject('registries').tls;
  const open = () => inject('registries').open;
  const hello = () => inject('seeded')['demo/hello:v1']!;

  it('a TLS registry with an unknown CA fails in both without settings', async () => {
    const env = await machine();
    expect((await runCli(['tags', `${tls().host}/demo/hello`], { env })).code).toBe(5);
    await withClient(env, async (client) => {
      await expect(client.listTags(`${tls().host}/demo/hello`)).rejects.toMatchObject({ code: expect.stringMatching(/^REGCTL_(TLS|NETWORK)$/) });
    });
  });

  it('daemon.json insecure-registries', async () => {
    const env = await machine({ daemon: { 'insecure-registries': [tls().host] } });
    expect(await runCli(['tags', `${tls().host}/demo/hello`], { env })).toMatchObject({ code: 0, stdout: 'v1\n' });
    expect(await withClient(env, (client) => client.listTags(`${tls().host}/demo/hello`))).toEqual(['v1']);
  });

  it('certs.d under $XDG_CONFIG_HOME of the given env', async () => {
    const env = await machine();
    const dir = path.join(env.XDG_CONFIG_HOME!, 'docker', 'certs.d', tls().host);
    await mkdir(dir, { recursive: true });
    await copyFile(inject('files').caCertPath, path.join(dir, 'ca.crt'));
    expect(await runCli(['tags', `${tls().host}/demo/hello`], { env })).toMatchObject({ code: 0, stdout: 'v1\n' });
    expect(await withClient(env, (client) => client.listTags(`${tls().host}/demo/hello`))).toEqual(['v1']);
  });

  it('daemon.json registry-mirrors serve Docker Hub names (Hub itself is unreachable here)', async () => {
    const env = await machine({ daemon: { 'registry-mirrors': [open().url] } });
    const cli = await runCli(['manifest', 'inspect', 'demo/hello:v1'], { env });
    expect(cli.code, cli.stderr).toBe(0);
    const manifest = await withClient(env, (client) => client.getManifest('demo/hello:v1'));
    expect(manifest.digest).toBe(hello().digest);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(manifest.bytes.toString('utf8')));
  });

  it('registries.json mirrors for any registry', async () => {
    const env = await machine({ registries: { mirrors: { 'mirrored.invalid': [open().url] } } });
    const cli = await runCli(['manifest', 'inspect', 'mirrored.invalid/demo/hello:v1'], { env });
    expect(cli.code, cli.stderr).toBe(0);
    const manifest = await withClient(env, (client) => client.getManifest('mirrored.invalid/demo/hello:v1'));
    expect(manifest.digest).toBe(hello().digest);
  });
});
