// `"credsStore": "regctl"`: served in-process from the OS keyring (no docker-credential-regctl on
// PATH here); an unloadable binding is a warning when resolving and an error when storing.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import type { KeyringBinding } from '../../../src/config/credentials/keyring-client.js';
import { CredentialResolver } from '../../../src/config/credentials/select.js';
import { startFakeAuthRegistry, type FakeAuthRegistry } from '../../helpers/fake-auth-registry.js';
import { privateKeyringUnavailable, startPrivateKeyring, type PrivateKeyring } from '../../helpers/private-keyring.js';
import { allOutput, runCli } from '../../helpers/run-cli.js';
import { leakedSecrets } from '../../helpers/secret-scan.js';
import { makeTempDir, removeTempDirs, writeJson } from './support.js';

const PASSWORD = 'keyring-store-password';
let registry: FakeAuthRegistry;
const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;

beforeAll(async () => {
  registry = await startFakeAuthRegistry({ scheme: 'basic', users: { alice: PASSWORD } });
});

afterAll(async () => {
  await registry.close();
  await removeTempDirs();
  if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  expect(leakedSecrets(allOutput, [PASSWORD], ['alice'])).toEqual([]);
});

async function configWithKeyring(extra: Record<string, unknown> = {}) {
  const dir = await makeTempDir('regctl-keyring-store-');
  const file = path.join(dir, 'config.json');
  await writeJson(file, { credsStore: 'regctl', ...extra });
  // PATH without docker-credential-regctl: only the in-process store can answer.
  const env = { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '', PATH: '/usr/bin:/bin' };
  return { dir, file, env, read: async () => JSON.parse(await fs.readFile(file, 'utf8')) };
}

describe('credsStore "regctl" with an unusable keyring', () => {
  const failing = { load: () => Promise.reject(new Error('Cannot find package @napi-rs/keyring')) };

  it('resolving warns once and continues anonymously', async () => {
    const { file } = await configWithKeyring();
    const warnings: string[] = [];
    const resolver = new CredentialResolver(await ConfigFile.load(file), { env: {}, keyring: failing, onWarning: (m) => warnings.push(m) });
    expect(await resolver.resolve('quay.io')).toBeUndefined();
    expect(await resolver.resolve('quay.io')).toBeUndefined();
    expect(warnings).toEqual([
      `cannot get credentials for quay.io from docker-credential-regctl (credsStore in ${file}): error getting credentials - err: the OS keyring is not available: cannot load the optional dependency @napi-rs/keyring (Cannot find package @napi-rs/keyring); continuing without credentials`,
    ]);
  });

  it('storing fails and writes nothing', async () => {
    const { file, read } = await configWithKeyring();
    const resolver = new CredentialResolver(await ConfigFile.load(file), { env: {}, keyring: failing });
    await expect(resolver.storeFor('quay.io').store('quay.io', { username: 'alice', password: PASSWORD })).rejects.toMatchObject({ code: 'REGCTL_CRED_HELPER', missing: true });
    expect(await read()).toEqual({ credsStore: 'regctl' });
  });
});

const unavailable = await privateKeyringUnavailable();

describe.skipIf(unavailable)('credsStore "regctl" on a real Secret Service (private bus)', () => {
  let keyring: PrivateKeyring;

  beforeAll(async () => {
    keyring = await startPrivateKeyring();
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
  });

  afterAll(async () => {
    await keyring?.stop();
  });

  it('login keeps the secret in the keyring and a {} marker in config.json; logout removes both', async () => {
    const { env, read } = await configWithKeyring({ HttpHeaders: { 'X-Kept': '1' } });
    const login = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: PASSWORD });
    expect(login).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await read()).toEqual({ credsStore: 'regctl', HttpHeaders: { 'X-Kept': '1' }, auths: { [registry.host]: {} } });
    const keyringText = await fs.readFile(keyring.keyringFile, 'utf8');
    expect(keyringText).toContain(`secret={"Username":"alice","Secret":"${PASSWORD}"}`);
    expect(keyringText).toContain(`value=${registry.host}`);

    expect((await runCli(['manifest', 'inspect', `${registry.host}/private/app:v1`], { env })).code).toBe(0);

    expect(await runCli(['logout', registry.host], { env })).toMatchObject({ code: 0, stdout: `Removing login credentials for ${registry.host}\n`, stderr: '' });
    expect(await fs.readFile(keyring.keyringFile, 'utf8')).not.toContain(PASSWORD);
    expect(await read()).toEqual({ credsStore: 'regctl', HttpHeaders: { 'X-Kept': '1' }, auths: {} });
    expect((await runCli(['manifest', 'inspect', `${registry.host}/private/app:v1`], { env })).code).toBe(3);
  });

  it('an in-memory binding can stand in for tests of the store logic', async () => {
    const items = new Map<string, string>();
    const binding: KeyringBinding = {
      AsyncEntry: class {
        constructor(readonly service: string, readonly account: string) {}
        async setPassword(p: string) { items.set(this.account, p); }
        async getPassword() { return items.get(this.account) ?? null; }
        async deleteCredential() { return items.delete(this.account); }
      },
      findCredentialsAsync: async () => [...items].map(([account, password]) => ({ account, password })),
    };
    const { file } = await configWithKeyring();
    const resolver = new CredentialResolver(await ConfigFile.load(file), { env: {}, keyring: { load: async () => binding } });
    await resolver.storeFor('https://quay.io/v1/').store('quay.io', { username: 'bob', identityToken: 'idtok' });
    expect(items.get('quay.io')).toBe('{"Username":"<token>","Secret":"idtok"}');
    expect(await resolver.storedKeys('quay.io')).toEqual(['quay.io']);
    expect(await resolver.resolve('quay.io')).toEqual({ identityToken: 'idtok', serverAddress: 'quay.io' });
  });
});
