// `regctl logout`: docker's messages, every key spelling erased (docker/cli#7326), helpers, --all.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_HUB_KEY } from '../../../src/config/credentials/keys.js';
import { allOutput, runCli } from '../../helpers/run-cli.js';
import { leakedSecrets } from '../../helpers/secret-scan.js';
import { fakeHelperEnv, makeTempDir, readHelperStore, removeTempDirs, writeJson } from '../config/support.js';

const SECRET = 'logout-secret-value';
const auth = (user = 'alice') => ({ auth: Buffer.from(`${user}:${SECRET}`).toString('base64') });

afterAll(async () => {
  await removeTempDirs();
  expect(leakedSecrets(allOutput, [SECRET], ['alice', 'bob'])).toEqual([]);
});

async function setup(config: unknown, helperMode?: string) {
  const dir = await makeTempDir('regctl-logout-');
  const file = path.join(dir, 'config.json');
  await writeJson(file, config);
  const env = { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '', ...(helperMode ? fakeHelperEnv(dir, helperMode) : {}) };
  return { dir, file, env, read: async () => JSON.parse(await fs.readFile(file, 'utf8')) };
}

async function seedHelper(dir: string, entries: Record<string, string>): Promise<void> {
  const store = Object.fromEntries(Object.entries(entries).map(([url, user]) => [url, { Username: user, Secret: SECRET }]));
  await fs.writeFile(path.join(dir, 'helper-store.json'), JSON.stringify(store));
}

describe('logout', () => {
  it('removes every spelling of a registry and keeps everything else', async () => {
    const { env, read } = await setup({
      auths: {
        'r.example:5000': auth(),
        'https://r.example:5000': auth(),
        'http://r.example:5000/v1/': auth(),
        'R.EXAMPLE:5000': auth(),
        'r.example:5001': auth(),
      },
      credHelpers: { 'gcr.io': 'gcloud' },
      HttpHeaders: { 'User-Agent': 'x' },
    });
    const r = await runCli(['logout', 'https://r.example:5000/v2/'], { env });
    expect(r).toMatchObject({ code: 0, stdout: 'Removing login credentials for r.example:5000\n', stderr: '' });
    expect(await read()).toEqual({ auths: { 'r.example:5001': auth() }, credHelpers: { 'gcr.io': 'gcloud' }, HttpHeaders: { 'User-Agent': 'x' } });
  });

  it('logs out of Docker Hub by default under every Hub key (docker/cli#7326)', async () => {
    const { env, read } = await setup({
      auths: {
        [DOCKER_HUB_KEY]: auth(),
        'docker.io': auth(),
        'index.docker.io': auth(),
        'registry-1.docker.io': auth(),
        'https://index.docker.io/v1': auth(),
        'quay.io': auth(),
      },
    });
    const r = await runCli(['logout'], { env });
    expect(r).toMatchObject({ code: 0, stdout: `Removing login credentials for ${DOCKER_HUB_KEY}\n` });
    expect(await read()).toEqual({ auths: { 'quay.io': auth() } });
  });

  it('accepts the Hub key or any Hub host as SERVER', async () => {
    for (const server of [DOCKER_HUB_KEY, 'index.docker.io', 'registry-1.docker.io']) {
      const { env, read } = await setup({ auths: { 'docker.io': auth() } });
      expect(await runCli(['logout', server], { env })).toMatchObject({ code: 0, stdout: `Removing login credentials for ${DOCKER_HUB_KEY}\n` });
      expect(await read()).toEqual({ auths: {} });
    }
  });

  it('says so when not logged in, exits 0 and writes nothing', async () => {
    const { file, env } = await setup({ auths: { 'quay.io': auth() } });
    const before = await fs.readFile(file, 'utf8');
    expect(await runCli(['logout', 'ghcr.io'], { env })).toMatchObject({ code: 0, stdout: 'Not logged in to ghcr.io\n', stderr: '' });
    expect(await runCli(['logout'], { env })).toMatchObject({ code: 0, stdout: `Not logged in to ${DOCKER_HUB_KEY}\n` });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });

  it('erases every spelling the helper holds, and the config.json markers', async () => {
    const { dir, env, read } = await setup({ credsStore: 'test', auths: { 'quay.io': {}, 'https://quay.io': auth('old') } }, 'normal');
    await seedHelper(dir, { 'quay.io': 'alice', 'https://quay.io/v1/': 'old', 'ghcr.io': 'bob' });
    const r = await runCli(['logout', 'quay.io'], { env });
    expect(r).toMatchObject({ code: 0, stdout: 'Removing login credentials for quay.io\n', stderr: '' });
    expect(Object.keys(await readHelperStore(dir))).toEqual(['ghcr.io']);
    expect(await read()).toEqual({ credsStore: 'test', auths: {} });
  });

  it('finds credentials the helper holds even without a config.json marker', async () => {
    const { dir, env } = await setup({ credHelpers: { 'quay.io': 'test' } }, 'normal');
    await seedHelper(dir, { 'quay.io': 'alice' });
    expect((await runCli(['logout', 'quay.io'], { env })).stdout).toBe('Removing login credentials for quay.io\n');
    expect(await readHelperStore(dir)).toEqual({});
  });

  it('warns when the helper cannot erase, still removes plain-text copies, and exits 0', async () => {
    const { dir, env, read } = await setup({ credsStore: 'test', auths: { 'quay.io': auth() } }, 'fail');
    const r = await runCli(['logout', 'quay.io'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Removing login credentials for quay.io\n');
    expect(r.stderr).toBe('WARNING: could not erase credentials:\nquay.io: error erasing credentials - err: exit status 1, out: `simulated helper failure`\n');
    expect(await read()).toEqual({ credsStore: 'test', auths: {} });
  });

  it('--all logs out of every registry in config.json and the credsStore helper', async () => {
    const { dir, env, read } = await setup(
      { credsStore: 'test', auths: { 'quay.io': {}, 'https://index.docker.io/v1/': {}, 'docker.io': auth() }, credHelpers: { 'ghcr.io': 'test' } },
      'normal',
    );
    await seedHelper(dir, { 'quay.io': 'alice', [DOCKER_HUB_KEY]: '<token>', 'only-in-helper.example': 'bob' });
    const r = await runCli(['logout', '--all'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'Removing login credentials for https://index.docker.io/v1/',
      'Removing login credentials for only-in-helper.example',
      'Removing login credentials for quay.io',
    ]);
    expect(await readHelperStore(dir)).toEqual({});
    expect(await read()).toEqual({ credsStore: 'test', auths: {}, credHelpers: { 'ghcr.io': 'test' } });
    expect(await runCli(['logout', '--all'], { env })).toMatchObject({ code: 0, stdout: 'Not logged in to any registry\n' });
  });

  it('rejects --all with a server', async () => {
    const { env } = await setup({});
    expect(await runCli(['logout', '--all', 'quay.io'], { env })).toMatchObject({ code: 2, stderr: 'Error: cannot use --all with a SERVER argument\n' });
  });

  it('refuses a server address with credentials in it, without echoing them', async () => {
    const { env } = await setup({});
    const r = await runCli(['logout', `https://alice:${SECRET}@quay.io`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a malformed config.json is a clear error and stays untouched', async () => {
    const dir = await makeTempDir('regctl-logout-');
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{"auths": {"quay.io": {"auth": "x"}},}');
    const r = await runCli(['logout', 'quay.io'], { env: { DOCKER_CONFIG: dir } });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(new RegExp(`^Error: cannot parse ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(await fs.readFile(file, 'utf8')).toBe('{"auths": {"quay.io": {"auth": "x"}},}');
  });
});
