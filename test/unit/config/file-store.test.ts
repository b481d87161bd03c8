import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { FileStore } from '../../../src/config/credentials/file-store.js';
import { DOCKER_HUB_KEY } from '../../../src/config/credentials/keys.js';
import { basicAuth, makeTempDir, removeTempDirs, writeJson } from './support.js';

afterEach(removeTempDirs);

async function storeWith(content?: unknown): Promise<{ store: FileStore; file: string }> {
  const dir = await makeTempDir();
  const file = path.join(dir, 'config.json');
  if (content !== undefined) await writeJson(file, content);
  return { store: new FileStore(await ConfigFile.load(file)), file };
}

async function readAuths(file: string): Promise<Record<string, Record<string, string>>> {
  return JSON.parse(await fs.readFile(file, 'utf8')).auths;
}

describe('FileStore.get', () => {
  it('decodes base64 user:password, splitting at the first colon', async () => {
    const { store } = await storeWith({ auths: { 'quay.io': { auth: basicAuth('robot+ci', 'pa:ss:wo:rd') } } });
    expect(await store.get('quay.io')).toEqual({ username: 'robot+ci', password: 'pa:ss:wo:rd', serverAddress: 'quay.io' });
  });

  it('returns identity and registry tokens', async () => {
    const { store } = await storeWith({
      auths: {
        'acr.example.io': { auth: basicAuth('00000000-0000-0000-0000-000000000000', ''), identitytoken: 'refresh-xyz' },
        'reg.example.io': { registrytoken: 'bearer-abc' },
      },
    });
    expect(await store.get('acr.example.io')).toEqual({
      username: '00000000-0000-0000-0000-000000000000',
      identityToken: 'refresh-xyz',
      serverAddress: 'acr.example.io',
    });
    expect(await store.get('reg.example.io')).toEqual({ registryToken: 'bearer-abc', serverAddress: 'reg.example.io' });
  });

  it('reads plain username/password fields as docker does', async () => {
    const { store } = await storeWith({ auths: { 'a.io': { username: 'u', password: 'p' } } });
    expect(await store.get('a.io')).toEqual({ username: 'u', password: 'p', serverAddress: 'a.io' });
  });

  it.each([
    ['https://quay.io', 'quay.io'],
    ['http://quay.io/v1/', 'quay.io'],
    ['https://quay.io/v2/extra', 'quay.io'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['https://registry-1.docker.io/', 'registry-1.docker.io'],
    ['http://localhost:5000', 'localhost:5000'],
  ])('finds legacy key %s when asked for %s', async (key, registry) => {
    const { store } = await storeWith({ auths: { [key]: { auth: basicAuth('u', 'p') } } });
    expect(await store.get(registry)).toEqual({ username: 'u', password: 'p', serverAddress: key });
  });

  it('prefers the canonical key over legacy spellings and ignores other hosts', async () => {
    const { store } = await storeWith({
      auths: {
        'https://quay.io': { auth: basicAuth('old', 'x') },
        'quay.io': { auth: basicAuth('new', 'y') },
        'quay.io:8443': { auth: basicAuth('port', 'z') },
      },
    });
    expect((await store.get('quay.io'))?.username).toBe('new');
    expect((await store.get('quay.io:8443'))?.username).toBe('port');
    expect(await store.get('ghcr.io')).toBeUndefined();
  });

  it('treats a helper marker {} and a null entry as no credentials', async () => {
    const { store } = await storeWith({ auths: { 'a.io': {}, 'b.io': null, 'c.io': { email: 'x@y' } } });
    expect(await store.get('a.io')).toBeUndefined();
    expect(await store.get('b.io')).toBeUndefined();
    expect(await store.get('c.io')).toBeUndefined();
  });

  it('reports an invalid auth value by key and file, never by content', async () => {
    const secret = 'bm8tY29sb24taGVyZS1zZWNyZXQ='; // "no-colon-here-secret"
    const { store, file } = await storeWith({ auths: { 'a.io': { auth: secret } } });
    const err = await store.get('a.io').catch((e: Error & { code: string; file: string }) => e);
    expect(err).toMatchObject({ code: 'REGCTL_CONFIG', file, message: `cannot parse ${file}: invalid "auth" value for "a.io"` });
    expect(JSON.stringify(err)).not.toContain(secret);
  });
});

describe('FileStore.store', () => {
  it('writes base64 user:password under the canonical key, as docker does', async () => {
    const { store, file } = await storeWith();
    await store.store('docker.io', { username: 'alice', password: 'se:cr:et' });
    expect(await readAuths(file)).toEqual({ [DOCKER_HUB_KEY]: { auth: basicAuth('alice', 'se:cr:et') } });
    expect(await new FileStore(await ConfigFile.load(file)).get('index.docker.io')).toMatchObject({ username: 'alice', password: 'se:cr:et' });
  });

  it('writes an identity token next to `user:` like docker login', async () => {
    const { store, file } = await storeWith();
    await store.store('https://acr.example.io/', { username: 'token-user', identityToken: 'refresh-1' });
    expect(await readAuths(file)).toEqual({ 'acr.example.io': { auth: basicAuth('token-user', ''), identitytoken: 'refresh-1' } });
  });

  it('replaces legacy spellings of the registry, keeps email and unrelated entries', async () => {
    const { store, file } = await storeWith({
      auths: {
        'https://quay.io': { auth: basicAuth('old', 'leaked'), email: 'me@example.com' },
        'http://quay.io/v1/': { auth: basicAuth('older', 'leaked2') },
        'ghcr.io': { auth: basicAuth('g', 'h') },
      },
      credsStore: '',
    });
    await store.store('quay.io', { username: 'new', password: 'pw' });
    expect(await readAuths(file)).toEqual({
      'ghcr.io': { auth: basicAuth('g', 'h') },
      'quay.io': { email: 'me@example.com', auth: basicAuth('new', 'pw') },
    });
    expect(await fs.readFile(file, 'utf8')).not.toContain(basicAuth('old', 'leaked'));
  });

  it('refuses credentials without a user name', async () => {
    const { store, file } = await storeWith();
    await expect(store.store('a.io', { password: 'pw' })).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('FileStore.erase', () => {
  it('removes every spelling of the registry and nothing else', async () => {
    const { store, file } = await storeWith({
      auths: {
        [DOCKER_HUB_KEY]: { auth: basicAuth('a', 'b') },
        'https://index.docker.io/v1': { auth: basicAuth('a', 'b') },
        'docker.io': { auth: basicAuth('a', 'b') },
        'registry-1.docker.io': { auth: basicAuth('a', 'b') },
        'https://registry-1.docker.io/': { auth: basicAuth('a', 'b') },
        'quay.io': { auth: basicAuth('q', 'q') },
      },
      HttpHeaders: { 'X-Keep': '1' },
    });
    await store.erase('docker.io');
    expect(await readAuths(file)).toEqual({ 'quay.io': { auth: basicAuth('q', 'q') } });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).HttpHeaders).toEqual({ 'X-Keep': '1' });
    expect(await store.get('docker.io')).toBeUndefined();
  });

  it('lists every entry with getAll, markers included', async () => {
    const { store } = await storeWith({ auths: { 'a.io': { auth: basicAuth('u', 'p') }, 'b.io': {} } });
    expect(await store.getAll()).toEqual({
      'a.io': { username: 'u', password: 'p', serverAddress: 'a.io' },
      'b.io': { serverAddress: 'b.io' },
    });
    expect(store.kind).toBe('file');
    expect(store.description).toBe('config.json');
  });
});
