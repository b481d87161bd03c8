// One config.json for docker and regctl: the docker CLI installed here (its login, logout and
// manifest inspect work without a daemon) reads what `regctl login` wrote, and regctl reads what
// `docker login` wrote, including the identity token docker stores for the token server. Also
// "credsStore": "regctl" both ways: docker spawns bin/docker-credential-regctl.js, regctl uses the
// keyring in-process. docker always gets its own DOCKER_CONFIG and a PATH holding only what the
// test chooses (with docker-credential-pass on PATH docker would pick `pass` by itself).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { privateKeyringUnavailable, startPrivateKeyring, type PrivateKeyring } from '../helpers/private-keyring.js';
import { allOutput, runCli } from '../helpers/run-cli.js';
import { runUnchecked, which } from '../helpers/run-process.js';
import { leakedSecrets } from '../helpers/secret-scan.js';
import { readTokenLog, tokenLogMark } from '../helpers/token-log.js';
import { transpilePackage, type TranspiledPackage } from '../helpers/transpiled-dist.js';
import { USERS } from '../helpers/users.js';

const available = inject('registriesAvailable');
const dockerPath = await which('docker');
if (!dockerPath && !process.env.CI) console.warn('skipping docker interop tests: no docker binary on PATH (the docker CLI client is enough, no daemon needed)');
const noKeyring = await privateKeyringUnavailable();

const dirs: string[] = [];
const seenSecrets: string[] = [USERS.alice.password, USERS.bob.password];
let binDir: string;

beforeAll(async () => {
  if (!dockerPath) return;
  binDir = await tempDir('regctl-docker-bin-');
  await fs.symlink(dockerPath, path.join(binDir, 'docker'));
  await fs.symlink(process.execPath, path.join(binDir, 'node')); // for docker-credential-regctl's `env node`
});

afterAll(async () => {
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  expect(leakedSecrets(allOutput, seenSecrets, ['alice', 'bob'])).toEqual([]);
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function sharedConfig(config?: unknown) {
  const dir = await tempDir('regctl-docker-config-');
  const file = path.join(dir, 'config.json');
  if (config !== undefined) await fs.writeFile(file, JSON.stringify(config));
  const read = async () => JSON.parse(await fs.readFile(file, 'utf8'));
  return { dir, env: { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '' }, read };
}

function docker(args: string[], configDir: string, options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env = { PATH: binDir, HOME: configDir, DOCKER_CONFIG: configDir, DOCKER_CLI_HINTS: 'false', ...options.env };
  return runUnchecked(path.join(binDir, 'docker'), args, { env, ...(options.input !== undefined ? { input: options.input } : {}), timeoutMs: 60_000 });
}

const regctlLogin = (host: string, user: keyof typeof USERS, env: NodeJS.ProcessEnv) =>
  runCli(['login', '-u', user, '--password-stdin', host], { env, stdin: `${USERS[user].password}\n` });
const dockerLogin = (host: string, user: keyof typeof USERS, dir: string, env?: NodeJS.ProcessEnv) =>
  docker(['login', '-u', user, '--password-stdin', host], dir, { input: `${USERS[user].password}\n`, ...(env ? { env } : {}) });
const configDigest = () => inject('seeded')['private/hello:v1']!.manifests[0]!.configDigest;

describe.runIf(process.env.CI && !dockerPath)('docker CLI in CI', () => {
  it('is installed', () => expect.fail('the docker interop tests need the docker CLI (client only) in CI'));
});

describe.skipIf(!available || !dockerPath)('config.json shared with the docker CLI', () => {
  for (const mode of ['htpasswd', 'token'] as const) {
    describe(mode, () => {
      const host = () => inject('registries')[mode].host;

      it('docker manifest inspect accepts what regctl login wrote', async () => {
        const { dir, env, read } = await sharedConfig();
        expect((await regctlLogin(host(), 'alice', env)).code).toBe(0);
        const entry = (await read()).auths[host()];
        if (entry.identitytoken) seenSecrets.push(entry.identitytoken);
        const inspected = await docker(['manifest', 'inspect', '--insecure', `${host()}/private/hello:v1`], dir);
        expect(inspected.stderr).not.toMatch(/unauthorized|denied/i);
        expect(inspected.code).toBe(0);
        expect(JSON.parse(inspected.stdout).config.digest).toBe(configDigest());
      });

      it('regctl accepts what docker login wrote', async () => {
        const { dir, env, read } = await sharedConfig();
        const mark = mode === 'token' ? await tokenLogMark(inject('tokenServer').logUrl) : 0;
        const logged = await dockerLogin(host(), 'bob', dir);
        expect(logged.stdout).toContain('Login Succeeded');
        const entry = (await read()).auths[host()];
        if (mode === 'token') {
          // docker 28 asks for a refresh token and keeps it as the identity token.
          expect(entry.identitytoken).toEqual(expect.any(String));
          seenSecrets.push(entry.identitytoken);
        } else {
          expect(entry.auth).toBe(Buffer.from('bob:bobpw').toString('base64'));
        }
        const inspected = await runCli(['manifest', 'inspect', `${host()}/private/hello:v1`], { env });
        expect(inspected.code).toBe(0);
        expect(JSON.parse(inspected.stdout).config.digest).toBe(configDigest());
        if (mode === 'token') {
          const grants = (await readTokenLog(inject('tokenServer').logUrl, mark)).filter((e) => e.method === 'POST');
          expect(grants.at(-1)).toMatchObject({ account: 'bob', form: { grant_type: 'refresh_token', client_id: 'regctl' }, status: 200 });
        }
      });

      it('each logout removes what the other login wrote', async () => {
        const { dir, env, read } = await sharedConfig();
        await dockerLogin(host(), 'alice', dir);
        const entry = (await read()).auths[host()];
        if (entry.identitytoken) seenSecrets.push(entry.identitytoken);
        expect(await runCli(['logout', host()], { env })).toMatchObject({ code: 0, stdout: `Removing login credentials for ${host()}\n` });
        expect((await read()).auths).toEqual({});

        await regctlLogin(host(), 'alice', env);
        const ours = (await read()).auths[host()];
        if (ours.identitytoken) seenSecrets.push(ours.identitytoken);
        const loggedOut = await docker(['logout', host()], dir);
        expect(loggedOut.code).toBe(0);
        expect((await read()).auths).toEqual({});
      });
    });
  }
});

describe.skipIf(!available || !dockerPath || noKeyring)('"credsStore": "regctl" shared with the docker CLI', () => {
  let pkg: TranspiledPackage;
  let keyring: PrivateKeyring;
  const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;

  beforeAll(async () => {
    [pkg, keyring] = await Promise.all([transpilePackage(), startPrivateKeyring()]);
    await fs.symlink(path.join(pkg.binDir, 'docker-credential-regctl'), path.join(binDir, 'docker-credential-regctl'));
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
  }, 60_000);

  afterAll(async () => {
    if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
    await keyring?.stop();
    await pkg?.remove();
  });

  const keyringEnv = () => ({ DBUS_SESSION_BUS_ADDRESS: keyring.address, XDG_DATA_HOME: keyring.env.XDG_DATA_HOME });

  it('docker reads (through docker-credential-regctl) what regctl stored in-process', async () => {
    const host = inject('registries').htpasswd.host;
    const { dir, env, read } = await sharedConfig({ credsStore: 'regctl' });
    expect(await regctlLogin(host, 'alice', { ...env, PATH: '/usr/bin:/bin' })).toMatchObject({ code: 0, stderr: '' });
    expect(await read()).toEqual({ credsStore: 'regctl', auths: { [host]: {} } });
    const inspected = await docker(['manifest', 'inspect', '--insecure', `${host}/private/hello:v1`], dir, { env: keyringEnv() });
    expect(inspected.stderr).toBe('');
    expect(inspected.code).toBe(0);
  });

  it('regctl reads in-process what docker stored through docker-credential-regctl', async () => {
    const host = inject('registries').token.host;
    const { dir, env } = await sharedConfig({ credsStore: 'regctl' });
    const logged = await dockerLogin(host, 'bob', dir, keyringEnv());
    expect(logged.stdout).toContain('Login Succeeded');
    const item = /secret=\{"Username":"<token>","Secret":"([^"]+)"\}/.exec(await fs.readFile(keyring.keyringFile, 'utf8'));
    expect(item).not.toBeNull();
    seenSecrets.push(item![1]!);
    expect((await runCli(['manifest', 'inspect', `${host}/private/hello:v1`], { env: { ...env, PATH: '/usr/bin:/bin' } })).code).toBe(0);
    expect((await docker(['logout', host], dir, { env: keyringEnv() })).code).toBe(0);
    expect(await fs.readFile(keyring.keyringFile, 'utf8')).not.toContain(item![1]!);
  });
});
