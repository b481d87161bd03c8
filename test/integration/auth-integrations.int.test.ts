// `auth k8s-secret` end to end: credentials held by a credential helper become an inline
// dockerconfigjson that both regctl and the docker CLI can use against the htpasswd registry.
// `auth token`: the printed token works with raw HTTP against the token registry. These commands
// print secrets on purpose; this file runs no leak scan over them (other files scan their own runs).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { runCli } from '../helpers/run-cli.js';
import { runUnchecked, which } from '../helpers/run-process.js';
import { USERS } from '../helpers/users.js';

const available = inject('registriesAvailable');
const dockerPath = await which('docker');
if (!dockerPath && !process.env.CI) console.warn('skipping the docker half of the k8s-secret test: no docker binary on PATH');

const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

/** A config whose only credentials for `host` live in a credential helper (docker-credential-k8stest). */
async function helperConfig(host: string, user: keyof typeof USERS): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir('regctl-k8s-src-');
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin);
  const { username, password } = USERS[user];
  await fs.writeFile(
    path.join(bin, 'docker-credential-k8stest'),
    `#!/bin/sh\nread server\nif [ "$1" = get ] && [ "$server" = "${host}" ]; then echo '{"ServerURL":"${host}","Username":"${username}","Secret":"${password}"}'; exit 0; fi\necho 'credentials not found in native keychain'; exit 1\n`,
    { mode: 0o755 },
  );
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { [host]: 'k8stest' } }));
  return { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '', PATH: `${bin}:${process.env.PATH}` };
}

describe.skipIf(!available)('auth k8s-secret against the htpasswd registry', () => {
  const host = () => inject('registries').htpasswd.host;
  let secretConfigDir: string;

  beforeAll(async () => {
    const r = await runCli(['auth', 'k8s-secret', '-o', 'json', '--name', 'pull', host()], { env: await helperConfig(host(), 'alice') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const secret = JSON.parse(r.stdout);
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    // What the kubelet does: decode .dockerconfigjson and use it as a config.json.
    secretConfigDir = await tempDir('regctl-k8s-decoded-');
    await fs.writeFile(path.join(secretConfigDir, 'config.json'), Buffer.from(secret.data['.dockerconfigjson'], 'base64'));
  });

  it('holds inline auths only (no helper reference the cluster could not run)', async () => {
    const config = JSON.parse(await fs.readFile(path.join(secretConfigDir, 'config.json'), 'utf8'));
    expect(Object.keys(config)).toEqual(['auths']);
    expect(Object.keys(config.auths)).toEqual([host()]);
  });

  it('is usable by regctl', async () => {
    const ref = `${host()}/demo/hello:v1`;
    const anonymous = await runCli(['--config', await tempDir('regctl-k8s-empty-'), 'manifest', 'inspect', ref], { env: { DOCKER_AUTH_CONFIG: '' } });
    expect(anonymous.code).toBe(3); // the registry does need the credentials
    const r = await runCli(['--config', secretConfigDir, 'manifest', 'inspect', ref], { env: { DOCKER_AUTH_CONFIG: '' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).config.digest).toBe(inject('seeded')['demo/hello:v1']!.manifests[0]!.configDigest);
  });

  it.skipIf(!dockerPath && !process.env.CI)('is usable by the docker CLI', async () => {
    expect(dockerPath, 'the docker CLI is required in CI').toBeDefined();
    const r = await runUnchecked(dockerPath!, ['manifest', 'inspect', '--insecure', `${host()}/demo/hello:v1`], {
      env: { PATH: '/nonexistent', HOME: secretConfigDir, DOCKER_CONFIG: secretConfigDir, DOCKER_CLI_HINTS: 'false' },
      timeoutMs: 60_000,
    });
    expect(r.stderr).not.toMatch(/unauthorized|denied/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(inject('seeded')['demo/hello:v1']!.manifests[0]!.configDigest);
  });
});

describe.skipIf(!available)('auth token against the token registry', () => {
  const registry = () => inject('registries').token;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await helperConfig(registry().host, 'bob');
  });

  it('prints a pull token that works with raw HTTP', async () => {
    const r = await runCli(['auth', 'token', `${registry().host}/demo/hello`], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9._~+/=-]+$/);
    const withToken = await rawRequest(`${registry().url}/v2/demo/hello/tags/list`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect(withToken.json<{ tags: string[] }>().tags).toContain('v1');
    expect((await rawRequest(`${registry().url}/v2/demo/hello/tags/list`)).status).toBe(401);
    // Pull only: starting an upload needs push.
    expect((await rawRequest(`${registry().url}/v2/demo/hello/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('prints a pull,push token with --push', async () => {
    const r = await runCli(['auth', 'token', '--push', `${registry().host}/bob/scratch`], { env });
    expect(r.code).toBe(0);
    const res = await rawRequest(`${registry().url}/v2/bob/scratch/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${r.stdout.trim()}` } });
    expect(res.status).toBe(202);
  });

  it('explains registries that issue no bearer tokens', async () => {
    const basic = await runCli(['auth', 'token', `${inject('registries').htpasswd.host}/demo/hello`], { env });
    expect(basic.code).toBe(1);
    expect(basic.stdout).toBe('');
    expect(basic.stderr).toContain('uses basic authentication and issues no bearer tokens');
    const open = await runCli(['auth', 'token', `${inject('registries').open.host}/demo/hello`], { env });
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('requires no authentication');
  });
});
