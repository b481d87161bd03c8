// login / logout with real credential stores against the real registry: Debian's
// docker-credential-pass as credsStore and as credHelpers[host], and the built-in OS keyring
// ("credsStore": "regctl", in-process) on gnome-keyring over a private D-Bus session.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialHelperClient } from '../../src/config/credentials/helper-process.js';
import { passUnavailable, startPassStore, type PassStore } from '../helpers/pass-store.js';
import { privateKeyringUnavailable, startPrivateKeyring, type PrivateKeyring } from '../helpers/private-keyring.js';
import { allOutput, runCli } from '../helpers/run-cli.js';
import { leakedSecrets } from '../helpers/secret-scan.js';
import { USERS } from '../helpers/users.js';

const available = inject('registriesAvailable');
const noPass = await passUnavailable();
const noKeyring = await privateKeyringUnavailable();
for (const reason of [noPass, noKeyring]) if (reason && !process.env.CI) console.warn(`skipping some credential-store tests: ${reason}`);

const dirs: string[] = [];
const seenSecrets: string[] = [USERS.alice.password, USERS.bob.password];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  expect(leakedSecrets(allOutput, seenSecrets, ['alice', 'bob'])).toEqual([]);
});

async function configDir(config: unknown) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-stores-int-'));
  dirs.push(dir);
  const file = path.join(dir, 'config.json');
  await fs.writeFile(file, JSON.stringify(config));
  return { file, env: { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '' }, read: async () => JSON.parse(await fs.readFile(file, 'utf8')) };
}

const login = (host: string, user: keyof typeof USERS, env: NodeJS.ProcessEnv) =>
  runCli(['login', '-u', user, '--password-stdin', host], { env, stdin: USERS[user].password });
const inspect = (ref: string, env: NodeJS.ProcessEnv) => runCli(['manifest', 'inspect', ref], { env });

describe.runIf(process.env.CI && (noPass || noKeyring))('credential stores in CI', () => {
  it('are installed', () => expect.fail(`${noPass ?? ''} ${noKeyring ?? ''}`));
});

describe.skipIf(!available || noPass)('docker-credential-pass (real helper)', () => {
  let pass: PassStore;
  beforeAll(async () => {
    pass = await startPassStore();
  }, 60_000);
  afterAll(async () => {
    await pass?.stop();
  });

  it('as credsStore: identity token in pass, {} marker in config.json, used for pulls, erased by logout', async () => {
    const host = inject('registries').token.host;
    const { env: base, read } = await configDir({ credsStore: 'pass' });
    const env = { ...base, ...pass.env };
    expect(await login(host, 'alice', env)).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await read()).toEqual({ credsStore: 'pass', auths: { [host]: {} } });
    const client = new CredentialHelperClient('pass', { env: pass.env });
    expect((await client.list())[host]).toBe('<token>');
    seenSecrets.push((await client.get(host))!.secret);

    expect((await inspect(`${host}/private/hello:v1`, env)).code).toBe(0);
    expect(await runCli(['logout', host], { env })).toMatchObject({ code: 0, stdout: `Removing login credentials for ${host}\n`, stderr: '' });
    expect((await client.list())[host]).toBeUndefined();
    expect((await inspect(`${host}/private/hello:v1`, env)).code).toBe(3);
  });

  it('as credHelpers[host]: password in pass, other registries untouched', async () => {
    const host = inject('registries').htpasswd.host;
    const { env: base, read, file } = await configDir({ credHelpers: { [host]: 'pass' }, auths: { 'other.example': { auth: 'b3RoZXI6eA==' } } });
    const env = { ...base, ...pass.env };
    const r = await login(host, 'bob', env);
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    expect(r.stderr).not.toContain('unencrypted');
    expect(await read()).toEqual({ credHelpers: { [host]: 'pass' }, auths: { 'other.example': { auth: 'b3RoZXI6eA==' }, [host]: {} } });
    expect(await fs.readFile(file, 'utf8')).not.toContain(USERS.bob.password);
    expect(await new CredentialHelperClient('pass', { env: pass.env }).get(host)).toEqual({ username: 'bob', secret: USERS.bob.password });

    expect((await inspect(`${host}/private/hello:v1`, env)).code).toBe(0);
    expect((await runCli(['logout', host], { env })).code).toBe(0);
    expect(await new CredentialHelperClient('pass', { env: pass.env }).get(host)).toBeUndefined();
  });

  it('a credHelpers key docker does not match ("https://HOST") leaves the config.json login in use, as in docker', async () => {
    const host = inject('registries').htpasswd.host;
    const bob = Buffer.from(`bob:${USERS.bob.password}`).toString('base64');
    const { env: base } = await configDir({ credHelpers: { [`https://${host}`]: 'pass' }, auths: { [host]: { auth: bob } } });
    const env = { ...base, ...pass.env };
    const r = await inspect(`${host}/private/hello:v1`, env);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    // The real helper was not needed: nothing was ever stored in it for this registry.
    expect(await new CredentialHelperClient('pass', { env: pass.env }).get(host)).toBeUndefined();
  });

  it('a password store that was never initialised fails the login and nothing is saved', async () => {
    const host = inject('registries').htpasswd.host;
    const { env: base, read } = await configDir({ credsStore: 'pass' });
    const r = await login(host, 'alice', { ...base, ...pass.uninitialisedEnv });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: error saving credentials: error storing credentials - err: exit status 1, out: `pass not initialized/);
    expect(await read()).toEqual({ credsStore: 'pass' });
  });
});

describe.skipIf(!available || noKeyring)('"credsStore": "regctl" (built-in OS keyring, in-process)', () => {
  let keyring: PrivateKeyring;
  const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
  beforeAll(async () => {
    keyring = await startPrivateKeyring();
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address; // the binding reads the process environment
  });
  afterAll(async () => {
    if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
    await keyring?.stop();
  });

  it('login stores the identity token in the keyring, pulls use it, logout erases it', async () => {
    const host = inject('registries').token.host;
    const { env: base, read } = await configDir({ credsStore: 'regctl' });
    const env = { ...base, PATH: '/usr/bin:/bin' }; // no docker-credential-regctl: in-process only
    expect(await login(host, 'bob', env)).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await read()).toEqual({ credsStore: 'regctl', auths: { [host]: {} } });
    const item = /secret=(\{"Username":"<token>","Secret":"([^"]+)"\})/.exec(await fs.readFile(keyring.keyringFile, 'utf8'));
    expect(item).not.toBeNull();
    seenSecrets.push(item![2]!);

    expect((await inspect(`${host}/private/hello:v1`, env)).code).toBe(0);
    expect((await runCli(['logout', host], { env })).stdout).toBe(`Removing login credentials for ${host}\n`);
    expect(await fs.readFile(keyring.keyringFile, 'utf8')).not.toContain(item![2]!);
    expect((await inspect(`${host}/private/hello:v1`, env)).code).toBe(3);
  });
});
