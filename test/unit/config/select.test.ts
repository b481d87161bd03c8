import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { DOCKER_HUB_KEY } from '../../../src/config/credentials/keys.js';
import { parseEnvAuthConfig } from '../../../src/config/credentials/env-auth-config.js';
import { CredentialResolver, type CredentialResolverOptions } from '../../../src/config/credentials/select.js';
import { basicAuth, fakeHelperEnv, helperCalls, makeTempDir, readHelperStore, removeTempDirs, writeJson } from './support.js';

afterEach(removeTempDirs);

interface Setup {
  dir: string;
  file: string;
  warnings: string[];
  resolver: CredentialResolver;
}

/** A temp HOME with ~/.docker/config.json = `config` and the fake helper on PATH. */
async function setup(
  config: unknown,
  options: { mode?: string; env?: NodeJS.ProcessEnv; helperEntries?: unknown; dockercfg?: string } = {},
): Promise<Setup> {
  const dir = await makeTempDir();
  const file = path.join(dir, '.docker/config.json');
  if (config !== undefined) await writeJson(file, config);
  if (options.helperEntries) await writeJson(path.join(dir, 'helper-store.json'), options.helperEntries);
  if (options.dockercfg !== undefined) await fs.writeFile(path.join(dir, '.dockercfg'), options.dockercfg);
  const warnings: string[] = [];
  const env = { ...fakeHelperEnv(dir, options.mode), ...options.env };
  const resolverOptions: CredentialResolverOptions = { env, onWarning: (message) => warnings.push(message) };
  return { dir, file, warnings, resolver: await CredentialResolver.create(resolverOptions) };
}

const helperCreds = (user: string) => ({ Username: user, Secret: `${user}-secret` });

describe('store selection (docker GetCredentialsStore)', () => {
  const config = {
    auths: {
      'quay.io': { auth: basicAuth('inline-quay', 'p') },
      'ghcr.io': { auth: basicAuth('inline-ghcr', 'p') },
      'plain.io': { auth: basicAuth('inline-plain', 'p') },
    },
    credsStore: 'test',
    credHelpers: { 'ghcr.io': 'test', 'plain.io': '', 'gone.io': 'missing-helper' },
  };

  it('credHelpers[host] beats credsStore beats inline auths', async () => {
    const { resolver } = await setup(config);
    expect(resolver.helperFor('ghcr.io')).toEqual({ name: 'test', setting: 'credHelpers["ghcr.io"]' });
    expect(resolver.helperFor('gone.io')).toEqual({ name: 'missing-helper', setting: 'credHelpers["gone.io"]' });
    expect(resolver.helperFor('quay.io')).toEqual({ name: 'test', setting: 'credsStore' });
    expect(resolver.storeFor('quay.io').kind).toBe('helper');
    expect(resolver.storeFor('quay.io').description).toBe('docker-credential-test');
  });

  it('an empty credHelpers entry opts the registry out of credsStore', async () => {
    const { resolver } = await setup(config);
    expect(resolver.helperFor('plain.io')).toBeUndefined();
    expect(resolver.storeFor('plain.io').kind).toBe('file');
    expect(await resolver.resolve('plain.io')).toMatchObject({ username: 'inline-plain' });
  });

  it('uses the inline auths only when no helper is configured', async () => {
    const { resolver } = await setup({ auths: { 'quay.io': { auth: basicAuth('inline', 'pw') } } });
    expect(resolver.helperFor('quay.io')).toBeUndefined();
    expect(resolver.storeFor('quay.io').description).toBe('config.json');
    expect(await resolver.resolve('quay.io')).toEqual({ username: 'inline', password: 'pw', serverAddress: 'quay.io' });
  });

  it('ignores inline credentials of a registry served by a helper, as docker does', async () => {
    const { resolver } = await setup(config, { helperEntries: {} });
    expect(await resolver.resolve('quay.io')).toBeUndefined();
  });

  it('reads from the selected helper', async () => {
    const { resolver } = await setup(config, { helperEntries: { 'ghcr.io': helperCreds('gh'), 'quay.io': helperCreds('q') } });
    expect(await resolver.resolve('ghcr.io')).toEqual({ username: 'gh', password: 'gh-secret', serverAddress: 'ghcr.io' });
    expect(await resolver.resolve('https://quay.io/')).toEqual({ username: 'q', password: 'q-secret', serverAddress: 'quay.io' });
  });

  // docker's getConfiguredCredentialStore: credHelpers[exact key] only.
  it('selects credHelpers by the exact key docker looks up, never by another spelling', async () => {
    const { resolver } = await setup({ credsStore: 'test', credHelpers: { 'docker.io': 'hub-helper', 'https://quay.io': 'q-helper' } });
    expect(resolver.helperFor(DOCKER_HUB_KEY)).toEqual({ name: 'test', setting: 'credsStore' });
    expect(resolver.helperFor('quay.io')).toEqual({ name: 'test', setting: 'credsStore' });
    const exact = await setup({ credHelpers: { [DOCKER_HUB_KEY]: 'hub-helper' } });
    expect(exact.resolver.helperFor('docker.io')).toEqual({ name: 'hub-helper', setting: `credHelpers["${DOCKER_HUB_KEY}"]` });
  });

  it.each([
    ['docker.io', DOCKER_HUB_KEY, 'docker.io'],
    ['index.docker.io', DOCKER_HUB_KEY, 'docker.io'],
    ['https://my.registry.io', 'my.registry.io', 'my.registry.io'],
  ])('a credHelpers key %j docker ignores does not hide the config.json credentials of %s', async (looseKey, fileKey, registry) => {
    const { dir, warnings, resolver } = await setup({
      credHelpers: { [looseKey]: 'test' },
      auths: { [fileKey]: { auth: basicAuth('from-file', 'pw') } },
    });
    expect(resolver.storeFor(registry).kind).toBe('file');
    expect(await resolver.resolve(registry)).toEqual({ username: 'from-file', password: 'pw', serverAddress: fileKey });
    expect(await helperCalls(dir)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('asks a loosely keyed helper only when docker finds nothing, with a warning naming the key docker uses', async () => {
    const { dir, file, warnings, resolver } = await setup(
      { credHelpers: { 'docker.io': 'test' } },
      { helperEntries: { [DOCKER_HUB_KEY]: helperCreds('hub') } },
    );
    expect(await resolver.resolve('docker.io')).toMatchObject({ username: 'hub', password: 'hub-secret' });
    expect(await helperCalls(dir)).toEqual([`get ${DOCKER_HUB_KEY}`]);
    expect(warnings).toEqual([`credHelpers["docker.io"] in ${file} is not used by docker for ${DOCKER_HUB_KEY}; write the key as "${DOCKER_HUB_KEY}"`]);
  });

  it('logout erases what a loosely keyed helper holds, so nothing is read afterwards', async () => {
    const { dir, resolver } = await setup(
      { credHelpers: { 'https://my.registry.io': 'test' }, auths: { 'my.registry.io': { auth: basicAuth('file', 'pw') } } },
      { helperEntries: { 'my.registry.io': helperCreds('old') } },
    );
    expect(await resolver.storedKeys('my.registry.io')).toEqual(['my.registry.io']);
    await resolver.storeFor('my.registry.io').erase('my.registry.io');
    expect(await readHelperStore(dir)).toEqual({});
    expect(await resolver.resolve('my.registry.io')).toBeUndefined();
  });

  it('finds the Hub under its canonical key with any alias', async () => {
    const { resolver } = await setup({ auths: { [DOCKER_HUB_KEY]: { auth: basicAuth('hubuser', 'pw') } } });
    for (const alias of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(await resolver.resolve(alias)).toMatchObject({ username: 'hubuser', serverAddress: DOCKER_HUB_KEY });
    }
  });
});

describe('lazy, memoised helper calls', () => {
  it('calls nothing until asked, then once per registry however often and however spelled', async () => {
    const { dir, resolver } = await setup(
      { credsStore: 'test' },
      { helperEntries: { 'quay.io': helperCreds('q'), [DOCKER_HUB_KEY]: helperCreds('hub') } },
    );
    expect(await helperCalls(dir)).toEqual([]);
    const answers = await Promise.all([
      resolver.resolve('quay.io'),
      resolver.resolve('https://quay.io'),
      resolver.resolve('quay.io'),
      resolver.resolve('docker.io'),
      resolver.resolve('registry-1.docker.io'),
    ]);
    await resolver.resolve('quay.io');
    expect(answers.map((auth) => auth?.username)).toEqual(['q', 'q', 'q', 'hub', 'hub']);
    expect((await helperCalls(dir)).sort()).toEqual([`get ${DOCKER_HUB_KEY}`, 'get quay.io']);
  });

  it('forgets earlier answers after a login through storeFor', async () => {
    const { resolver } = await setup({ credsStore: 'test' });
    expect(await resolver.resolve('quay.io')).toBeUndefined();
    await resolver.storeFor('quay.io').store('quay.io', { username: 'new', password: 'pw' });
    expect(await resolver.resolve('quay.io')).toMatchObject({ username: 'new', password: 'pw' });
    await resolver.storeFor('quay.io').erase('quay.io');
    expect(await resolver.resolve('quay.io')).toBeUndefined();
  });
});

describe('a missing or broken helper', () => {
  it('resolves to anonymous with one warning naming the helper and the config key', async () => {
    const { dir, warnings, resolver } = await setup({ credHelpers: { 'gone.io': 'missing-helper' } });
    expect(await resolver.resolve('gone.io')).toBeUndefined();
    expect(await resolver.resolve('gone.io')).toBeUndefined();
    expect(warnings).toEqual([
      `cannot get credentials for gone.io from docker-credential-missing-helper (credHelpers["gone.io"] in ${path.join(dir, '.docker/config.json')}): exec: "docker-credential-missing-helper": executable file not found in $PATH; continuing without credentials`,
    ]);
  });

  it('warns for a failing credsStore helper and keeps other registries working', async () => {
    const { warnings, resolver } = await setup(
      { credsStore: 'test', credHelpers: { 'plain.io': '' }, auths: { 'plain.io': { auth: basicAuth('u', 'p') } } },
      { mode: 'fail' },
    );
    expect(await resolver.resolve('quay.io')).toBeUndefined();
    expect(await resolver.resolve('plain.io')).toMatchObject({ username: 'u' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('docker-credential-test (credsStore in');
    expect(warnings[0]).toContain('error getting credentials - err: exit status 1, out: `simulated helper failure`');
  });

  it('makes login fail instead of writing a plain-text password', async () => {
    const { file, resolver } = await setup({ credsStore: 'missing-helper' });
    const before = await fs.readFile(file, 'utf8');
    await expect(resolver.storeFor('quay.io').store('quay.io', { username: 'u', password: 'pw' })).rejects.toMatchObject({
      code: 'REGCTL_CRED_HELPER',
    });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });

  it('still throws for an unusable config.json', async () => {
    const dir = await makeTempDir();
    await fs.mkdir(path.join(dir, '.docker'));
    await fs.writeFile(path.join(dir, '.docker/config.json'), '{"auths": {');
    await expect(CredentialResolver.create({ env: { HOME: dir } })).rejects.toMatchObject({ code: 'REGCTL_CONFIG' });
  });
});

describe('DOCKER_AUTH_CONFIG', () => {
  const envAuth = (auths: unknown) => ({ DOCKER_AUTH_CONFIG: JSON.stringify({ auths }) });

  it('takes precedence over every store and is flagged for a one-time warning', async () => {
    const { dir, resolver } = await setup(
      { credsStore: 'test', auths: { 'quay.io': {} } },
      { env: envAuth({ 'quay.io': { auth: basicAuth('from-env', 'pw:1') } }), helperEntries: { 'quay.io': helperCreds('helper') } },
    );
    expect(resolver.usesEnvAuthConfig).toBe(true);
    expect(await resolver.resolve('quay.io')).toEqual({ username: 'from-env', password: 'pw:1', serverAddress: 'quay.io' });
    expect(await helperCalls(dir)).toEqual([]);
    expect(await resolver.resolve('ghcr.io')).toBeUndefined();
    expect(await helperCalls(dir)).toEqual(['get ghcr.io']);
  });

  it('matches keys by registry (Hub URL key, https:// keys)', async () => {
    const { resolver } = await setup(undefined, {
      env: envAuth({ [DOCKER_HUB_KEY]: { auth: basicAuth('hub', 'x') }, 'https://quay.io': { auth: basicAuth('q', 'y') } }),
    });
    expect(await resolver.resolve('docker.io')).toMatchObject({ username: 'hub' });
    expect(await resolver.resolve('quay.io')).toMatchObject({ username: 'q' });
  });

  it('is not flagged when unset or empty', async () => {
    expect((await setup(undefined)).resolver.usesEnvAuthConfig).toBe(false);
    expect((await setup(undefined, { env: { DOCKER_AUTH_CONFIG: '' } })).resolver.usesEnvAuthConfig).toBe(false);
  });

  it('is never written to: login goes to the configured store', async () => {
    const { file, resolver } = await setup(undefined, { env: envAuth({ 'quay.io': { auth: basicAuth('env', 'x') } }) });
    await resolver.storeFor('quay.io').store('quay.io', { username: 'disk', password: 'y' });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths['quay.io']).toEqual({ auth: basicAuth('disk', 'y') });
  });

  const INVALID: [string, string][] = [
    ['{"auths": {', "Expected property name or '}' in JSON at line 1 column 12"],
    ['[]', 'expected a JSON object with "auths"'],
    ['{"auths": {}, "credsStore": "x"}', 'unknown field "credsStore"'],
    ['{"auths": {"a.io": {}}}', 'missing "auth" for a.io'],
    ['{"auths": {"a.io": {"auth": "bm8tY29sb24="}}}', 'invalid "auth" value for a.io'],
    ['{"auths": {"a.io": {"auth": "dTpw", "identitytoken": "t"}}}', 'unknown field "identitytoken" for a.io (only "auth" is supported)'],
    // docker/cli configfile/file_test.go TestParseEnvConfig: user/password fields, two JSON objects.
    [
      '{"auths": {"env.example.test": {"username": "env_user", "password": "env_pass", "serveraddress": "env.example.test"}}}',
      'unknown field "username" for env.example.test (only "auth" is supported)',
    ],
    ['{"auths":{"env.example.test":{"auth":"something"}}}{}', 'does not support more than one JSON object'],
  ];

  it.each(INVALID)('parseEnvAuthConfig rejects %s with a ConfigError', (value, reason) => {
    const parse = () => parseEnvAuthConfig({ DOCKER_AUTH_CONFIG: value });
    expect(parse).toThrow(expect.objectContaining({ code: 'REGCTL_CONFIG', message: `invalid DOCKER_AUTH_CONFIG environment variable: ${reason}` }));
  });

  // docker's GetCredentialsStore: "malformed DOCKER_AUTH_CONFIG should fallback to underlying store".
  it.each(INVALID)('an invalid %s is one warning, then config.json and the helpers as if unset', async (value, reason) => {
    const { dir, warnings, resolver } = await setup(
      { credHelpers: { 'ghcr.io': 'test' }, auths: { 'quay.io': { auth: basicAuth('from-file', 'pw') } } },
      { env: { DOCKER_AUTH_CONFIG: value }, helperEntries: { 'ghcr.io': helperCreds('from-helper') } },
    );
    expect(resolver.usesEnvAuthConfig).toBe(false);
    expect(await resolver.resolve('quay.io')).toEqual({ username: 'from-file', password: 'pw', serverAddress: 'quay.io' });
    expect(await resolver.resolve('ghcr.io')).toMatchObject({ username: 'from-helper' });
    expect(await resolver.resolve('a.io')).toBeUndefined();
    expect(warnings).toEqual([
      `Failed to create credential store from DOCKER_AUTH_CONFIG: ${reason}; using config.json and the credential helpers instead`,
    ]);
    expect(warnings.join()).not.toMatch(/bm8tY29sb24=|env_pass|something/);
    expect(await helperCalls(dir)).toEqual(['get ghcr.io']);
  });
});

describe('legacy ~/.dockercfg', () => {
  it('reads the {"host": {auth, email}} format', async () => {
    const dockercfg = JSON.stringify({
      'https://index.docker.io/v1/': { auth: basicAuth('old-hub', 'pw'), email: 'me@example.com' },
      'quay.io': { auth: basicAuth('old-quay', 'p:w') },
    });
    const { resolver } = await setup(undefined, { dockercfg });
    expect(await resolver.resolve('docker.io')).toEqual({ username: 'old-hub', password: 'pw', serverAddress: DOCKER_HUB_KEY });
    expect(await resolver.resolve('quay.io')).toEqual({ username: 'old-quay', password: 'p:w', serverAddress: 'quay.io' });
  });

  it('reads the {"auths": {...}} format', async () => {
    const { resolver } = await setup(undefined, { dockercfg: JSON.stringify({ auths: { 'https://ghcr.io': { auth: basicAuth('g', 'h') } } }) });
    expect(await resolver.resolve('ghcr.io')).toMatchObject({ username: 'g', password: 'h' });
  });

  it('reads the original "auth = …" text format for the Hub', async () => {
    const { resolver } = await setup(undefined, { dockercfg: `auth = ${basicAuth('ancient', 'pw')}\nemail = me@example.com\n` });
    expect(await resolver.resolve('docker.io')).toMatchObject({ username: 'ancient', password: 'pw' });
    expect(await resolver.resolve('quay.io')).toBeUndefined();
  });

  // docker/cli cli/config/config_test.go TestOldValidAuth / TestOldInvalidsAuth: the first line is
  // "KEY = <base64>" for any KEY (docker's own fixture says "username").
  it.each([
    ['username = am9lam9lOmhlbGxv\nemail = user@example.com'],
    ['username = am9lam9lOmhlbGxv\n\temail = user@example.com'],
    ['auth = am9lam9lOmhlbGxv\r\nemail = user@example.com\r\n'],
    ['whatever = am9lam9lOmhlbGxv\n'],
  ])('reads the text format with any key on the first line: %j', async (dockercfg) => {
    const { warnings, resolver } = await setup(undefined, { dockercfg });
    expect(await resolver.resolve('docker.io')).toEqual({ username: 'joejoe', password: 'hello', serverAddress: DOCKER_HUB_KEY });
    expect(warnings).toEqual([]);
  });

  it.each([['username\npassword'], ['username = test\nemail'], ['email = user@example.com\nauth = am9lam9lOmhlbGxv']])(
    'ignores the unreadable text form %j with a warning that does not quote it',
    async (dockercfg) => {
      const { dir, warnings, resolver } = await setup(undefined, { dockercfg });
      expect(await resolver.resolve('docker.io')).toBeUndefined();
      expect(warnings).toEqual([
        `ignoring legacy credentials: cannot parse ${path.join(dir, '.dockercfg')}: expected JSON or a first line "KEY = <base64 user:password>"`,
      ]);
    },
  );

  it('is consulted only when config.json has no entry for the registry', async () => {
    const dockercfg = JSON.stringify({ 'quay.io': { auth: basicAuth('legacy', 'x') }, 'ghcr.io': { auth: basicAuth('legacy', 'y') } });
    const { resolver } = await setup({ auths: { 'quay.io': { auth: basicAuth('current', 'z') }, 'ghcr.io': {} } }, { dockercfg });
    expect(await resolver.resolve('quay.io')).toMatchObject({ username: 'current' });
    expect(await resolver.resolve('ghcr.io')).toBeUndefined();
  });

  it('is ignored with a warning when malformed', async () => {
    const { dir, warnings, resolver } = await setup(undefined, { dockercfg: '{"quay.io": ' });
    expect(await resolver.resolve('quay.io')).toBeUndefined();
    expect(await resolver.resolve('ghcr.io')).toBeUndefined();
    expect(warnings).toEqual([`ignoring legacy credentials: cannot parse ${path.join(dir, '.dockercfg')}: Unexpected end of JSON input`]);
  });
});

describe('listKeys (for logout --all)', () => {
  it('unites auths keys, credHelpers keys and what the credsStore helper lists', async () => {
    const { resolver } = await setup(
      { auths: { 'a.io': { auth: basicAuth('u', 'p') }, 'b.io': {} }, credsStore: 'test', credHelpers: { 'c.io': 'other' } },
      { helperEntries: { 'd.io': helperCreds('d'), 'b.io': helperCreds('b') } },
    );
    expect((await resolver.listKeys()).sort()).toEqual(['a.io', 'b.io', 'c.io', 'd.io']);
  });

  it('warns when the credsStore helper cannot list and still returns the config keys', async () => {
    const { warnings, resolver } = await setup({ auths: { 'a.io': {} }, credsStore: 'test' }, { mode: 'no-list' });
    expect(await resolver.listKeys()).toEqual(['a.io']);
    expect(warnings).toEqual([expect.stringMatching(/^cannot list credentials in docker-credential-test \(credsStore in .*\): error listing credentials/)]);
  });
});

describe('CredentialResolver construction', () => {
  it('uses --config over DOCKER_CONFIG over ~/.docker', async () => {
    const dir = await makeTempDir();
    for (const name of ['flag', 'env', 'home/.docker']) {
      await writeJson(path.join(dir, name, 'config.json'), { credsStore: name });
    }
    const env = { HOME: path.join(dir, 'home'), DOCKER_CONFIG: path.join(dir, 'env') };
    expect((await CredentialResolver.create({ env, configDirFlag: path.join(dir, 'flag') })).config.credsStore).toBe('flag');
    expect((await CredentialResolver.create({ env })).config.credsStore).toBe('env');
    expect((await CredentialResolver.create({ env: { HOME: env.HOME } })).config.credsStore).toBe('home/.docker');
  });

  it('accepts an already loaded ConfigFile', async () => {
    const dir = await makeTempDir();
    const config = await ConfigFile.load(path.join(dir, 'config.json'));
    const resolver = new CredentialResolver(config, { env: { HOME: dir } });
    expect(resolver.config).toBe(config);
    expect(await resolver.resolve('quay.io')).toBeUndefined();
  });
});
