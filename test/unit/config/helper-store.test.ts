import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { CredentialHelperClient } from '../../../src/config/credentials/helper-process.js';
import { HelperStore } from '../../../src/config/credentials/helper-store.js';
import { DOCKER_HUB_KEY } from '../../../src/config/credentials/keys.js';
import { basicAuth, fakeHelperEnv, helperCalls, makeTempDir, readHelperStore, removeTempDirs, writeJson } from './support.js';

afterEach(removeTempDirs);

const SECRET = 'S3cr3t:with:colons-and-ünïcode';

async function setup(mode = 'normal', config: unknown = { auths: {}, credsStore: 'test' }) {
  const dir = await makeTempDir();
  const file = path.join(dir, 'config.json');
  await writeJson(file, config);
  const stderr: string[] = [];
  const store = new HelperStore('test', await ConfigFile.load(file), {
    env: fakeHelperEnv(dir, mode),
    onStderr: (text) => stderr.push(text),
  });
  return { dir, file, store, stderr };
}

async function seed(dir: string, entries: Record<string, { Username: string; Secret: string }>): Promise<void> {
  await writeJson(path.join(dir, 'helper-store.json'), entries);
}

async function errorOf(promise: Promise<unknown>): Promise<Error & { code?: string; helper?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: Error) => err,
  );
}

describe('HelperStore with the fake docker-credential-test', () => {
  it('stores in the helper and keeps only a {} marker in config.json', async () => {
    const { dir, file, store } = await setup();
    await store.store('docker.io', { username: 'alice', password: SECRET });
    expect(await readHelperStore(dir)).toEqual({ [DOCKER_HUB_KEY]: { Username: 'alice', Secret: SECRET } });
    const text = await fs.readFile(file, 'utf8');
    expect(JSON.parse(text)).toEqual({ auths: { [DOCKER_HUB_KEY]: {} }, credsStore: 'test' });
    expect(text).not.toContain('alice');
    expect(await store.get('index.docker.io')).toEqual({ username: 'alice', password: SECRET, serverAddress: DOCKER_HUB_KEY });
    expect(store.kind).toBe('helper');
    expect(store.description).toBe('docker-credential-test');
  });

  it('moves inline secrets out of config.json when storing, keeping non-secret fields', async () => {
    const { file, store } = await setup('normal', {
      auths: { 'https://quay.io': { auth: basicAuth('old', 'plaintext'), email: 'me@example.com' } },
      credsStore: 'test',
    });
    await store.store('quay.io', { username: 'new', password: SECRET });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({ 'quay.io': { email: 'me@example.com' } });
  });

  it('erases the old account first when a login switches user (pass keeps both otherwise)', async () => {
    const { dir, store } = await setup();
    await seed(dir, { 'quay.io': { Username: 'old', Secret: 'x' } });
    await store.store('quay.io', { username: 'old', password: 'y' });
    expect(await helperCalls(dir)).toEqual(['list ', 'store quay.io']);
    await store.store('quay.io', { username: 'new', password: 'z' });
    expect((await helperCalls(dir)).slice(2)).toEqual(['list ', 'erase quay.io', 'store quay.io']);
    expect(await readHelperStore(dir)).toEqual({ 'quay.io': { Username: 'new', Secret: 'z' } });
  });

  it('passes identity tokens as Username "<token>" both ways', async () => {
    const { dir, store } = await setup();
    await store.store('acr.example.io', { username: 'ignored', identityToken: 'refresh-token-1' });
    expect(await readHelperStore(dir)).toEqual({ 'acr.example.io': { Username: '<token>', Secret: 'refresh-token-1' } });
    expect(await store.get('acr.example.io')).toEqual({ identityToken: 'refresh-token-1', serverAddress: 'acr.example.io' });
  });

  it.each(['normal', 'empty-notfound'])('treats "not found" (%s style) as no credentials', async (mode) => {
    const { store } = await setup(mode);
    expect(await store.get('nothing.example')).toBeUndefined();
  });

  it('asks the helper once, with the canonical key only', async () => {
    const { dir, store } = await setup();
    await store.get('registry-1.docker.io');
    expect(await helperCalls(dir)).toEqual([`get ${DOCKER_HUB_KEY}`]);
  });

  it('wraps a failure like docker and keeps config.json untouched (no plain-text fallback)', async () => {
    const { file, store } = await setup('fail');
    const before = await fs.readFile(file, 'utf8');
    const err = await errorOf(store.store('quay.io', { username: 'u', password: SECRET }));
    expect(err).toMatchObject({
      code: 'REGCTL_CRED_HELPER',
      helper: 'docker-credential-test',
      message: 'error storing credentials - err: exit status 1, out: `simulated helper failure`',
    });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expect((await errorOf(store.get('quay.io'))).message).toBe(
      'error getting credentials - err: exit status 1, out: `simulated helper failure`',
    );
    expect((await errorOf(store.erase('quay.io'))).message).toBe(
      'error erasing credentials - err: exit status 1, out: `simulated helper failure`',
    );
  });

  it('never lets the secret into an error, even when the helper echoes it', async () => {
    const { store } = await setup('echo-fail');
    const err = await errorOf(store.store('quay.io', { username: 'u', password: SECRET }));
    expect(err.message).toMatch(/^error storing credentials - err: exit status 1, out: `/);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toContain('<redacted>');
  });

  it('does not quote an unparsable get answer (it may hold the secret)', async () => {
    const { dir, store } = await setup('bad-json');
    await seed(dir, { 'quay.io': { Username: 'u', Secret: SECRET } });
    const err = await errorOf(store.get('quay.io'));
    expect(err.message).toBe('error getting credentials - err: invalid JSON answer from docker-credential-test get');
  });

  it('reports a missing helper with docker’s exec wording', async () => {
    const dir = await makeTempDir();
    const store = new HelperStore('does-not-exist', await ConfigFile.load(path.join(dir, 'config.json')), { env: fakeHelperEnv(dir) });
    const err = await errorOf(store.get('quay.io'));
    expect(err).toMatchObject({
      code: 'REGCTL_CRED_HELPER',
      message: 'exec: "docker-credential-does-not-exist": executable file not found in $PATH',
      missing: true,
    });
    await expect(store.erase('quay.io')).rejects.toMatchObject({ missing: true });
  });

  it('treats a file that is not executable as missing, like Go’s LookPath', async () => {
    const dir = await makeTempDir();
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    await fs.writeFile(path.join(bin, 'docker-credential-noexec'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const client = new CredentialHelperClient('noexec', { env: { PATH: bin } });
    await expect(client.get('a.io')).rejects.toMatchObject({
      message: 'exec: "docker-credential-noexec": executable file not found in $PATH',
    });
  });

  it('kills a helper that does not answer within the timeout', async () => {
    const dir = await makeTempDir();
    const client = new CredentialHelperClient('test', { env: fakeHelperEnv(dir, 'hang'), timeoutMs: 300 });
    const started = Date.now();
    await expect(client.get('a.io')).rejects.toMatchObject({
      code: 'REGCTL_CRED_HELPER',
      message: 'error getting credentials - err: docker-credential-test get timed out after 300 ms, out: ``',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('hands the helper’s stderr to onStderr instead of printing it', async () => {
    const { store, stderr } = await setup('stderr');
    await store.get('a.io');
    expect(stderr).toEqual(['note from the test helper\n']);
  });

  it('erases every spelling the helper lists, then the config.json markers', async () => {
    const { dir, file, store } = await setup('normal', {
      auths: { [DOCKER_HUB_KEY]: {}, 'docker.io': {}, 'quay.io': {} },
      credsStore: 'test',
    });
    await seed(dir, {
      [DOCKER_HUB_KEY]: { Username: 'a', Secret: 'x' },
      'https://index.docker.io/v1': { Username: 'a', Secret: 'x' },
      'registry-1.docker.io': { Username: 'a', Secret: 'x' },
      'quay.io': { Username: 'q', Secret: 'y' },
    });
    await store.erase('docker.io');
    expect(Object.keys(await readHelperStore(dir))).toEqual(['quay.io']);
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({ 'quay.io': {} });
    const calls = await helperCalls(dir);
    expect(calls[0]).toBe('list ');
    expect(calls.filter((call) => call.startsWith('erase'))).toHaveLength(3);
  });

  it('erases the canonical key when the helper cannot list', async () => {
    const { dir, store } = await setup('no-list');
    await seed(dir, { 'quay.io': { Username: 'q', Secret: 'y' }, 'ghcr.io': { Username: 'g', Secret: 'z' } });
    await store.erase('https://quay.io/');
    expect(Object.keys(await readHelperStore(dir))).toEqual(['ghcr.io']);
  });

  it('getAll combines list and get', async () => {
    const { dir, store } = await setup();
    await seed(dir, { 'quay.io': { Username: 'q', Secret: 'y' }, 'acr.io': { Username: '<token>', Secret: 'r' } });
    expect(await store.getAll()).toEqual({
      'quay.io': { username: 'q', password: 'y', serverAddress: 'quay.io' },
      'acr.io': { identityToken: 'r', serverAddress: 'acr.io' },
    });
  });

  it('sends the store request as docker does (JSON line, stdin closed)', async () => {
    const { dir } = await setup();
    const client = new CredentialHelperClient('test', { env: fakeHelperEnv(dir, 'echo-fail') });
    const err = await errorOf(client.store('quay.io', 'u', 'pw'));
    expect(err.message).toBe('error storing credentials - err: exit status 1, out: `{"ServerURL":"quay.io","Username":"u","Secret":"<redacted>"}`');
  });

  it("wraps the helper's missing-URL / missing-user answers as docker's client does (the answer in place of the exit status)", async () => {
    const { dir } = await setup();
    const client = new CredentialHelperClient('test', { env: fakeHelperEnv(dir) });
    await expect(client.store('', 'u', 'p')).rejects.toMatchObject({
      code: 'REGCTL_CRED_HELPER',
      message: 'error storing credentials - err: no credentials server URL, out: `no credentials server URL`',
    });
    await expect(client.store('a.io', '', 'p')).rejects.toMatchObject({
      message: 'error storing credentials - err: no credentials username, out: `no credentials username`',
    });
  });
});
