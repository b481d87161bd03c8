// The one composition root (src/session.ts): what it reads from the machine, in which order, and
// the one error policy that the CLI and RegistryClient now share. The CLI and the library are run
// side by side against the same files and must behave alike.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { ENV_AUTH_WARNING, Session } from '../../src/session.js';
import { startEdgeServer, type EdgeServer } from '../helpers/edge-server.js';
import { sendJson } from '../helpers/edge-routes.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir, removeTempDirs } from './config/support.js';
import { isolatedMachineEnv } from '../helpers/isolated-machine.js';

afterAll(removeTempDirs);

/** A machine of its own: config dir, daemon.json, registries.json and XDG dirs in one temp dir. */
async function machine(files: { config?: string; daemon?: unknown; registries?: unknown } = {}) {
  const dir = await makeTempDir('regctl-session-');
  const env = isolatedMachineEnv(dir);
  await fs.mkdir(env.DOCKER_CONFIG!, { recursive: true });
  if (files.config !== undefined) await fs.writeFile(path.join(env.DOCKER_CONFIG!, 'config.json'), files.config);
  if (files.daemon !== undefined) await fs.writeFile(env.REGCTL_DAEMON_JSON!, typeof files.daemon === 'string' ? files.daemon : JSON.stringify(files.daemon));
  if (files.registries !== undefined) await fs.writeFile(env.REGCTL_REGISTRIES_JSON!, JSON.stringify(files.registries));
  return { dir, env };
}

describe('Session.registrySettings', () => {
  it("puts the caller's settings first, then daemon.json's, then registries.json's", async () => {
    const { dir, env } = await machine({
      daemon: { 'insecure-registries': ['daemon.example:5000'], 'registry-mirrors': ['https://hub-mirror.example'] },
      registries: { 'insecure-registries': ['file.example'], mirrors: { 'quay.io': ['https://quay-mirror.example'] } },
    });
    const session = new Session({
      env,
      insecureRegistries: ['flag.example'],
      mirrors: { 'quay.io': ['https://caller-mirror.example'] },
      mirrorFlags: ['https://flag-mirror.example', 'ghcr.io=https://ghcr-mirror.example'],
      extraCertsDirs: ['/extra/certs.d'],
    });
    expect(session.registrySettings()).toEqual({
      env,
      insecureRegistries: ['flag.example', 'daemon.example:5000', 'file.example'],
      mirrors: {
        'quay.io': ['https://caller-mirror.example', 'https://quay-mirror.example'],
        'docker.io': ['https://flag-mirror.example', 'https://hub-mirror.example'],
        'ghcr.io': ['https://ghcr-mirror.example'],
      },
      // The default certs.d directories follow the session's env, not process.env.
      certsDirs: ['/extra/certs.d', path.join(dir, 'xdg/regctl/certs.d'), path.join(dir, 'xdg/docker/certs.d'), '/etc/docker/certs.d'],
    });
    expect(new Session({ env, certsDirs: ['/only'] }).registrySettings().certsDirs).toEqual(['/only']);
  });

  it('throws the same ConfigError for a malformed daemon.json every time it is asked', async () => {
    const { env } = await machine({ daemon: '{ "insecure-registries": [ ' });
    const session = new Session({ env });
    const pattern = { code: 'REGCTL_CONFIG', message: expect.stringContaining(`cannot parse ${env.REGCTL_DAEMON_JSON}`) };
    expect(() => session.registrySettings()).toThrow(expect.objectContaining(pattern));
    expect(() => session.registrySettings()).toThrow(expect.objectContaining(pattern));
  });

  it('names the store as the CLI does', async () => {
    const { dir, env } = await machine();
    expect(new Session({ env }).storePath).toBe(path.join(dir, 'data/regctl'));
    expect(new Session({ env, storeDir: 'rel/store' }).storePath).toBe(path.resolve('rel/store'));
  });
});

describe('RegistryClient reads the machine like the CLI', () => {
  it('a malformed daemon.json rejects registry operations with REGCTL_CONFIG, local ones still work', async () => {
    const { env } = await machine({ daemon: '{ "insecure-registries": [ ' });
    const client = new RegistryClient({ env, credentials: false });
    await expect(client.listTags('127.0.0.1:1/team/app')).rejects.toMatchObject({ code: 'REGCTL_CONFIG' });
    expect(await client.images()).toEqual([]);
    await client.close();
  });
});

describe('one credential error policy for the CLI and RegistryClient', () => {
  let edge: EdgeServer | undefined;
  afterEach(async () => {
    await edge?.close();
    edge = undefined;
  });

  /** /v2/ asks for Basic credentials; the tag list answers anyone, recording what was sent. */
  async function basicEdge(): Promise<EdgeServer> {
    edge = await startEdgeServer();
    edge.on('GET', '/v2/', (req, res) => {
      if (req.headers.authorization) return sendJson(res, 200, {});
      res.setHeader('www-authenticate', 'Basic realm="test"');
      sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    });
    edge.on('GET', '/v2/team/app/tags/list', (_req, res) => sendJson(res, 200, { name: 'team/app', tags: ['1.0'] }));
    return edge;
  }

  it.each([
    ['config.json is not JSON', { config: '{"auths": {' }, {}, 'Error loading config file: cannot parse'],
    ['an "auth" value that does not decode', { config: '{"auths": {"HOST": {"auth": "bm8tY29sb24="}}}' }, {}, 'Error loading config file: cannot parse'],
  ])('%s: one warning, then anonymous access, in both', async (_what, files: { config?: string }, extraEnv, warning) => {
    const server = await basicEdge();
    const { env } = await machine({ ...files, ...(files.config ? { config: files.config.replace('HOST', server.host) } : {}) });
    Object.assign(env, extraEnv);

    const cli = await runCli(['tags', `${server.host}/team/app`], { env });
    expect(cli).toMatchObject({ code: 0, stdout: '1.0\n' });
    expect(cli.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(new RegExp(`^WARNING: ${warning}`))]);

    const warnings: string[] = [];
    const client = new RegistryClient({ env, onWarning: (m) => warnings.push(m) });
    try {
      expect(await client.listTags(`${server.host}/team/app`)).toEqual(['1.0']);
      expect(await client.listTags(`${server.host}/team/app`)).toEqual(['1.0']);
    } finally {
      await client.close();
    }
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^${warning}`))]);
    expect(warnings[0]).toBe(cli.stderr.trim().slice('WARNING: '.length));
    expect(server.requests.every((r) => !r.headers.authorization)).toBe(true);
  });

  it("an invalid DOCKER_AUTH_CONFIG: docker's one warning from both, then config.json's credentials are sent", async () => {
    const server = await basicEdge();
    const fileAuth = Buffer.from('alice:file-secret').toString('base64');
    const { env } = await machine({ config: JSON.stringify({ auths: { [server.host]: { auth: fileAuth } } }) });
    env.DOCKER_AUTH_CONFIG = JSON.stringify({ auths: { [server.host]: { username: 'env_user', password: 'env_pass' } } });
    const warning = `Failed to create credential store from DOCKER_AUTH_CONFIG: unknown field "username" for ${server.host} (only "auth" is supported); using config.json and the credential helpers instead`;

    const cli = await runCli(['tags', `${server.host}/team/app`], { env });
    expect(cli).toMatchObject({ code: 0, stdout: '1.0\n', stderr: `WARNING: ${warning}\n` });

    const warnings: string[] = [];
    const client = new RegistryClient({ env, onWarning: (m) => warnings.push(m) });
    try {
      expect(await client.listTags(`${server.host}/team/app`)).toEqual(['1.0']);
      expect(await client.listTags(`${server.host}/team/app`)).toEqual(['1.0']);
    } finally {
      await client.close();
    }
    expect(warnings).toEqual([warning]);
    expect(server.requests.filter((r) => r.headers.authorization === `Basic ${fileAuth}`).length).toBeGreaterThanOrEqual(2);
  });

  it('DOCKER_AUTH_CONFIG in use: the same one-time notice from both, and its credentials are sent', async () => {
    const server = await basicEdge();
    const { env } = await machine();
    const auth = Buffer.from('alice:env-secret').toString('base64');
    env.DOCKER_AUTH_CONFIG = JSON.stringify({ auths: { [server.host]: { auth } } });

    const cli = await runCli(['tags', `${server.host}/team/app`], { env });
    expect(cli).toMatchObject({ code: 0, stdout: '1.0\n', stderr: `WARNING: ${ENV_AUTH_WARNING}\n` });

    const warnings: string[] = [];
    const client = new RegistryClient({ env, onWarning: (m) => warnings.push(m) });
    try {
      expect(await client.listTags(`${server.host}/team/app`)).toEqual(['1.0']);
    } finally {
      await client.close();
    }
    expect(warnings).toEqual([ENV_AUTH_WARNING]);
    expect(server.requests.filter((r) => r.headers.authorization === `Basic ${auth}`).length).toBeGreaterThanOrEqual(2);
  });
});
