// The real Debian docker-credential-pass (0.6.x) behind credsStore and credHelpers, with a
// throw-away passphrase-less GPG key in an isolated HOME/GNUPGHOME/PASSWORD_STORE_DIR.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { CredentialHelperClient } from '../../../src/config/credentials/helper-process.js';
import { DOCKER_HUB_KEY } from '../../../src/config/credentials/keys.js';
import { CredentialResolver } from '../../../src/config/credentials/select.js';
import { run, runUnchecked, which } from '../../helpers/run-process.js';
import { makeTempDir, removeTempDirs, writeJson } from './support.js';

const REQUIRED = ['docker-credential-pass', 'pass', 'gpg', 'gpgconf'];
const missing = (await Promise.all(REQUIRED.map(async (name) => ((await which(name)) ? undefined : name)))).filter(Boolean);
const reason = `needs ${missing.join(', ')} (apt-get install golang-docker-credential-helpers pass gnupg)`;
if (missing.length > 0 && !process.env.CI) console.warn(`skipping docker-credential-pass tests: ${reason}`);

describe.runIf(missing.length > 0 && process.env.CI)('docker-credential-pass availability', () => {
  it('is installed in CI', () => {
    expect.fail(`docker-credential-pass tests cannot run in CI: ${reason}`);
  });
});

describe.skipIf(missing.length > 0)('docker-credential-pass (real helper)', () => {
  const SECRET = 'pässword:with:colons €';
  let home: string;
  let env: NodeJS.ProcessEnv;
  let passDir: string;
  const gnupgHomes: string[] = [];

  beforeAll(async () => {
    home = await makeTempDir('regctl-pass-');
    passDir = path.join(home, '.password-store');
    env = { PATH: process.env.PATH, HOME: home, GNUPGHOME: path.join(home, '.gnupg'), PASSWORD_STORE_DIR: passDir, LC_ALL: 'C.UTF-8' };
    await fs.mkdir(env.GNUPGHOME as string, { mode: 0o700 });
    gnupgHomes.push(env.GNUPGHOME as string);
    // ed25519/cv25519 keys are generated in milliseconds, RSA takes seconds.
    await run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'regctl test <regctl-test@example.invalid>', 'future-default', 'default', 'never'], { env });
    const keys = await run('gpg', ['--list-secret-keys', '--with-colons'], { env });
    const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(keys.stdout)?.[1];
    expect(fingerprint).toBeDefined();
    await run('pass', ['init', fingerprint as string], { env });
  }, 60_000);

  afterAll(async () => {
    for (const gnupgHome of gnupgHomes) {
      await runUnchecked('gpgconf', ['--homedir', gnupgHome, '--kill', 'gpg-agent'], { env: { ...env, GNUPGHOME: gnupgHome } });
    }
    await removeTempDirs();
  });

  async function resolverFor(config: unknown, warnings: string[] = []): Promise<CredentialResolver> {
    const dir = await makeTempDir();
    await writeJson(path.join(dir, 'config.json'), config);
    return CredentialResolver.create({ configDirFlag: dir, env, onWarning: (message) => warnings.push(message) });
  }

  it('stores as credsStore, keeps a {} marker, and reads back in a new process-like resolver', async () => {
    const first = await resolverFor({ credsStore: 'pass' });
    const store = first.storeFor('localhost:5000');
    expect(store.description).toBe('docker-credential-pass');
    await store.store('localhost:5000', { username: 'alice', password: SECRET });

    const configText = await fs.readFile(first.config.path, 'utf8');
    expect(JSON.parse(configText)).toEqual({ credsStore: 'pass', auths: { 'localhost:5000': {} } });
    expect(configText).not.toContain('alice');
    const entry = path.join(passDir, 'docker-credential-helpers', Buffer.from('localhost:5000').toString('base64'), 'alice.gpg');
    const encrypted = await fs.readFile(entry);
    expect(encrypted.includes(Buffer.from(SECRET))).toBe(false);

    const second = new CredentialResolver(await ConfigFile.load(first.config.path), { env });
    expect(await second.resolve('localhost:5000')).toEqual({ username: 'alice', password: SECRET, serverAddress: 'localhost:5000' });
  });

  it('answers "no credentials" for an unknown registry (pass 0.6 replies with empty fields)', async () => {
    const raw = await runUnchecked('docker-credential-pass', ['get'], { env, input: 'unknown.example' });
    expect(raw.code).toBe(0);
    expect(JSON.parse(raw.stdout)).toMatchObject({ Username: '', Secret: '' });
    const warnings: string[] = [];
    const resolver = await resolverFor({ credsStore: 'pass' }, warnings);
    expect(await resolver.resolve('unknown.example')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('keeps a Hub identity token as credHelpers["https://index.docker.io/v1/"]', async () => {
    const resolver = await resolverFor({ credHelpers: { [DOCKER_HUB_KEY]: 'pass' } });
    expect(resolver.helperFor('docker.io')?.name).toBe('pass');
    await resolver.storeFor('docker.io').store('docker.io', { username: 'bob', identityToken: 'refresh-token-42' });
    const listed = await new CredentialHelperClient('pass', { env }).list();
    expect(listed[DOCKER_HUB_KEY]).toBe('<token>');
    const fresh = new CredentialResolver(await ConfigFile.load(resolver.config.path), { env });
    expect(await fresh.resolve('registry-1.docker.io')).toEqual({ identityToken: 'refresh-token-42', serverAddress: DOCKER_HUB_KEY });
  });

  it('erases every spelling of a registry at logout', async () => {
    const resolver = await resolverFor({ credsStore: 'pass', auths: { 'https://quay.io': {} } });
    const client = new CredentialHelperClient('pass', { env });
    await client.store('https://quay.io', 'legacy', 'old-secret');
    await resolver.storeFor('quay.io').store('quay.io', { username: 'carol', password: SECRET });
    await resolver.storeFor('quay.io').erase('quay.io');
    const listed = await client.list();
    expect(Object.keys(listed).filter((key) => key.includes('quay.io'))).toEqual([]);
    expect(JSON.parse(await fs.readFile(resolver.config.path, 'utf8')).auths).toEqual({});
    expect(await resolver.resolve('quay.io')).toBeUndefined();
  });

  it('answers with the new account after a login as another user', async () => {
    const resolver = await resolverFor({ credsStore: 'pass' });
    await resolver.storeFor('switch.example').store('switch.example', { username: 'first', password: 'one' });
    await resolver.storeFor('switch.example').store('switch.example', { username: 'second', password: 'two' });
    const fresh = new CredentialResolver(await ConfigFile.load(resolver.config.path), { env });
    expect(await fresh.resolve('switch.example')).toMatchObject({ username: 'second', password: 'two' });
  });

  it("reports the helper's refusals in docker's wrapper, for store, get and erase", async () => {
    const client = new CredentialHelperClient('pass', { env });
    const wrapped = (verb: string, answer: string) => `error ${verb} credentials - err: ${answer}, out: \`${answer}\``;
    await expect(client.store('a.example', '', SECRET)).rejects.toMatchObject({
      code: 'REGCTL_CRED_HELPER',
      message: wrapped('storing', 'no credentials username'),
    });
    await expect(client.get('')).rejects.toMatchObject({ message: wrapped('getting', 'no credentials server URL') });
    await expect(client.erase('')).rejects.toMatchObject({ message: wrapped('erasing', 'no credentials server URL') });
  });

  it('fails login on an uninitialised password store without writing config.json', async () => {
    const dir = await makeTempDir();
    await writeJson(path.join(dir, 'config.json'), { credsStore: 'pass' });
    const brokenEnv = { ...env, PASSWORD_STORE_DIR: path.join(home, 'not-initialised') };
    const resolver = await CredentialResolver.create({ configDirFlag: dir, env: brokenEnv });
    const err = await resolver
      .storeFor('broken.example')
      .store('broken.example', { username: 'u', password: SECRET })
      .catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'REGCTL_CRED_HELPER', message: expect.stringMatching(/^error storing credentials - err: exit status 1, out: `/) });
    expect((err as Error).message).not.toContain(SECRET);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8'))).toEqual({ credsStore: 'pass' });
  });

  it('turns a pass that cannot decrypt into a warning and anonymous access', async () => {
    const resolver = await resolverFor({ credsStore: 'pass' });
    await resolver.storeFor('locked.example').store('locked.example', { username: 'u', password: SECRET });
    const keyless = path.join(home, 'keyless-gnupg');
    await fs.mkdir(keyless, { mode: 0o700 });
    gnupgHomes.push(keyless);
    const warnings: string[] = [];
    const locked = new CredentialResolver(await ConfigFile.load(resolver.config.path), {
      env: { ...env, GNUPGHOME: keyless },
      onWarning: (message) => warnings.push(message),
    });
    expect(await locked.resolve('locked.example')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cannot get credentials for locked\.example from docker-credential-pass \(credsStore in .*config\.json\): error getting credentials - err: exit status 1, out: `.*decryption failed/);
    expect(warnings[0]).not.toContain(SECRET);
  });
});
