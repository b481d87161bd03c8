// Login, logout, lookups and pull secrets key a registry by one rule (reference/hosts.ts
// credentialKey). Two rules once let `login X` store under a key that `logout X` did not erase
// (docker/cli#7326): each spelling below is logged in to and out of, through the CLI's argument
// normalisation and through the library's raw strings, and nothing may be left behind.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import * as keys from '../../../src/config/credentials/keys.js';
import { CredentialResolver } from '../../../src/config/credentials/select.js';
import { saveCredentials } from '../../../src/ops/login.js';
import { logout } from '../../../src/ops/logout.js';
import { dockerConfigJson } from '../../../src/ops/pull-secret.js';
import * as hosts from '../../../src/reference/hosts.js';
import { makeTempDir, removeTempDirs } from '../config/support.js';

afterAll(removeTempDirs);

const HUB_KEY = 'https://index.docker.io/v1/';

async function resolverIn(dir: string): Promise<{ resolver: CredentialResolver; file: string }> {
  const file = path.join(dir, 'config.json');
  return { resolver: new CredentialResolver(await ConfigFile.load(file), { env: { HOME: dir } }), file };
}

const SPELLINGS: [input: string, key: string][] = [
  ['https://index.docker.io/v1/', HUB_KEY],
  ['docker.io', HUB_KEY],
  ['index.docker.io', HUB_KEY],
  ['registry-1.docker.io', HUB_KEY],
  ['Docker.IO', HUB_KEY],
  ['registry.example.com:5000', 'registry.example.com:5000'],
  ['Registry.Example.COM', 'Registry.Example.COM'],
  ['http://host:5000/', 'host:5000'],
  ['https://host:5000/v2/', 'host:5000'],
  ['[::1]:5000', '[::1]:5000'],
];

describe('one credential-key rule', () => {
  it('is one function wherever it is imported from', () => {
    expect(keys.credentialKey).toBe(hosts.credentialKey);
    expect(keys.convertToHostname).toBe(hosts.convertToHostname);
  });

  describe.each([
    ['the CLI (arguments through normalizeRegistryHost)', (input: string) => hosts.normalizeRegistryHost(input)],
    ['the library (raw strings)', (input: string) => input],
  ])('%s', (_how, argument) => {
    it.each(SPELLINGS)('login %s, then logout of it (key %s), leaves nothing', async (input, key) => {
      const dir = await makeTempDir('regctl-keys-');
      const { resolver, file } = await resolverIn(dir);
      const saved = await saveCredentials(resolver, argument(input), { username: 'alice', password: 'pw' });
      expect(saved.key).toBe(key);
      expect(Object.keys(JSON.parse(await fs.readFile(file, 'utf8')).auths)).toEqual([key]);
      expect(await resolver.resolve(argument(input))).toMatchObject({ username: 'alice', password: 'pw' });

      // A fresh process: logout reads config.json again.
      const second = await resolverIn(dir);
      const result = await logout(second.resolver, argument(input));
      expect(result).toEqual({ key, found: true, failures: [] });
      expect(JSON.parse(await fs.readFile(file, 'utf8')).auths ?? {}).toEqual({});
    });
  });

  it('keys a pull secret entry as login stored it', async () => {
    const dir = await makeTempDir('regctl-keys-');
    const { resolver } = await resolverIn(dir);
    for (const [input] of SPELLINGS) await saveCredentials(resolver, input, { username: 'alice', password: 'pw' });
    const config = await dockerConfigJson((registry) => resolver.resolve(registry), SPELLINGS.map(([input]) => input));
    expect(Object.keys(config.auths).sort()).toEqual([...new Set(SPELLINGS.map(([, key]) => key))].sort());
  });
});
