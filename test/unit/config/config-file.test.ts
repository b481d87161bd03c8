import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/util/atomic-write.js';
import { ConfigFile } from '../../../src/config/config-file.js';
import { spawn } from 'node:child_process';
import { basicAuth, makeTempDir, removeTempDirs, transpileConfigModules } from './support.js';

afterEach(removeTempDirs);

/** Runs node as the unprivileged "nobody" user and returns its stdout. */
function runAsNobody(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: {}, uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

/** Bytes and mtime, to prove a file was left alone. */
async function snapshot(file: string): Promise<{ bytes: string; mtimeMs: number }> {
  const [bytes, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
  return { bytes, mtimeMs: stat.mtimeMs };
}

async function expectConfigError(promise: Promise<unknown>, file: string, pattern: RegExp): Promise<Error> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { code?: string; file?: string }) | undefined;
  expect(err, 'expected a ConfigError').toBeDefined();
  expect(err?.code).toBe('REGCTL_CONFIG');
  expect(err?.file).toBe(file);
  expect(err?.message).toMatch(pattern);
  return err as Error;
}

describe('ConfigFile.load', () => {
  it('treats a missing file (and a missing directory) as an empty config', async () => {
    const dir = await makeTempDir();
    const config = await ConfigFile.load(path.join(dir, 'nope/config.json'));
    expect(config.exists).toBe(false);
    expect(config.auths).toEqual({});
    expect(config.credsStore).toBeUndefined();
    expect(config.credHelpers).toEqual({});
  });

  it('accepts an empty file and a UTF-8 BOM like docker', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '  \n');
    expect((await ConfigFile.load(file)).auths).toEqual({});
    await fs.writeFile(file, '\ufeff{"credsStore":"pass"}');
    expect((await ConfigFile.load(file)).credsStore).toBe('pass');
  });

  it('exposes auths, credsStore and credHelpers', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(
      file,
      JSON.stringify({ auths: { 'quay.io': { auth: basicAuth('u', 'p') } }, credsStore: 'pass', credHelpers: { 'ghcr.io': 'gh' } }),
    );
    const config = await ConfigFile.load(file);
    expect(config.authEntry('quay.io')).toEqual({ auth: basicAuth('u', 'p') });
    expect(config.authEntry('toString')).toBeUndefined();
    expect(config.credsStore).toBe('pass');
    expect(config.credHelpers).toEqual({ 'ghcr.io': 'gh' });
  });

  it('names the file and the JSON problem for a malformed file, without quoting its content', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    const secret = basicAuth('alice', 'hunter2-very-secret');
    await fs.writeFile(file, `{"auths": {"quay.io": {"auth": "${secret}"}}`);
    const err = await expectConfigError(ConfigFile.load(file), file, /^cannot parse .*config\.json: Expected ',' or '}' after property value in JSON at line 1 column \d+$/);
    expect(err.message).not.toContain(secret);

    await fs.writeFile(file, `{"auths": {"quay.io": {"auth": "${secret}"}},}`);
    const err2 = await expectConfigError(ConfigFile.load(file), file, /^cannot parse .*config\.json: /);
    expect(err2.message).not.toContain(secret);

    await fs.writeFile(file, `{"auths": }`);
    await expectConfigError(ConfigFile.load(file), file, /^cannot parse .*config\.json: Unexpected token '}'$/);
  });

  it.each([
    ['[]', /expected a JSON object, got an array/],
    ['null', /expected a JSON object, got null/],
    ['{"auths": []}', /"auths" must be an object/],
    ['{"auths": {"quay.io": "x"}}', /"auths\.quay\.io" must be an object/],
    ['{"auths": {"quay.io": {"auth": 5}}}', /"auths\.quay\.io\.auth" must be a string/],
    ['{"credsStore": 1}', /"credsStore" must be a string/],
    ['{"credHelpers": {"a.io": true}}', /"credHelpers\.a\.io" must be a string/],
  ])('rejects a config shaped like %s', async (text, pattern) => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, text);
    await expectConfigError(ConfigFile.load(file), file, pattern);
  });

  it('reports a directory in place of config.json with its errno', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.mkdir(file);
    await expectConfigError(ConfigFile.load(file), file, /^cannot read .*config\.json: EISDIR: illegal operation on a directory$/);
  });

  it('reports a symlink loop with its errno', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.symlink('config.json', file);
    await expectConfigError(ConfigFile.load(file), file, /^cannot read .*config\.json: ELOOP/);
  });
});

describe('a config.json that cannot be used is never written', () => {
  const cases: Array<[string, (file: string) => Promise<void>]> = [
    ['malformed', (file) => fs.writeFile(file, '{"auths": {"a.io": {}}, "HttpHeaders": ')],
    ['wrongly shaped', (file) => fs.writeFile(file, '{"auths": ["a.io"]}')],
  ];
  it.each(cases)('%s: update() throws and leaves bytes and mtime untouched', async (_name, make) => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await make(file);
    const before = await snapshot(file);
    // A ConfigFile for the path, loaded while the file was still good, must not overwrite it either.
    const good = path.join(dir, 'good.json');
    await fs.writeFile(good, '{}');
    const loaded = await ConfigFile.load(file).catch(() => undefined);
    expect(loaded).toBeUndefined();
    const stale = await ConfigFile.load(good);
    Object.defineProperty(stale, 'path', { value: file });
    await expect(stale.update((config) => config.setAuthEntry('b.io', {}))).rejects.toMatchObject({ code: 'REGCTL_CONFIG', file });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await snapshot(file)).toEqual(before);
    expect(await fs.readdir(dir)).toEqual(['config.json', 'good.json'].sort());
  });

  it('a directory named config.json stays a directory', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.mkdir(file);
    await fs.writeFile(path.join(file, 'keep'), 'x');
    const config = await ConfigFile.load(path.join(dir, 'other.json'));
    Object.defineProperty(config, 'path', { value: file });
    await expect(config.update((c) => c.setAuthEntry('b.io', {}))).rejects.toMatchObject({ code: 'REGCTL_CONFIG' });
    expect((await fs.stat(file)).isDirectory()).toBe(true);
    expect(await fs.readdir(file)).toEqual(['keep']);
    expect((await fs.readdir(dir)).filter((name) => name !== 'config.json')).toEqual([]);
  });
});

describe('an unreadable config.json', () => {
  let childModule: string;
  const runsAsRoot = process.getuid?.() === 0;

  beforeAll(async () => {
    if (!runsAsRoot) return;
    const out = await makeTempDir('regctl-config-js-');
    childModule = await transpileConfigModules(out);
    await fs.chmod(out, 0o755);
  });
  afterAll(removeTempDirs);

  it('is an EACCES ConfigError naming the file, and is not replaced', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{"auths":{}}');
    await fs.chmod(file, 0o000);
    const before = await fs.stat(file);
    let result: { code?: string; file?: string; message?: string; updateCode?: string };
    if (runsAsRoot) {
      // root reads anything: try as "nobody" in a child process instead.
      await fs.chmod(dir, 0o777);
      const script = `
        const { ConfigFile } = await import(${JSON.stringify(childModule)});
        const out = {};
        try { await ConfigFile.load(${JSON.stringify(file)}); } catch (e) { Object.assign(out, { code: e.code, file: e.file, message: e.message }); }
        process.stdout.write(JSON.stringify(out));`;
      result = JSON.parse(await runAsNobody(['--input-type=module', '-e', script]));
    } else {
      result = await ConfigFile.load(file).then(
        () => ({}),
        (e: { code: string; file: string; message: string }) => ({ code: e.code, file: e.file, message: e.message }),
      );
    }
    expect(result).toEqual({ code: 'REGCTL_CONFIG', file, message: `cannot read ${file}: EACCES: permission denied` });
    const after = await fs.stat(file);
    expect([after.mtimeMs, after.ino, after.mode]).toEqual([before.mtimeMs, before.ino, before.mode]);
  });
});

describe('ConfigFile.save', () => {
  it('creates the directory 0700 and the file 0600, tab-indented like docker', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'a/b/.docker/config.json');
    const config = await ConfigFile.load(file);
    config.setAuthEntry('quay.io', { auth: basicAuth('u', 'p') });
    await config.save();
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.join(dir, 'a'))).mode & 0o777).toBe(0o700);
    expect(await fs.readFile(file, 'utf8')).toBe(`{\n\t"auths": {\n\t\t"quay.io": {\n\t\t\t"auth": "${basicAuth('u', 'p')}"\n\t\t}\n\t}\n}`);
  });

  it('tightens a world-readable config.json to 0600 and leaves no temp file', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{}', { mode: 0o644 });
    await fs.chmod(file, 0o644);
    const config = await ConfigFile.load(file);
    await config.update((c) => c.setAuthEntry('quay.io', {}));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['config.json']);
  });

  it('preserves every key it does not know (JSON-equal) through a rewrite', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    const original = {
      auths: { 'quay.io': { auth: basicAuth('u', 'p'), email: 'u@example.com', 'x-tool': { nested: [1, 'two', null, true] } } },
      HttpHeaders: { 'X-Meta': 'abc' },
      proxies: { default: { httpProxy: 'http://proxy:3128', noProxy: '*.local' } },
      credHelpers: { 'gcr.io': 'gcloud' },
      psFormat: 'table {{.ID}}',
      plugins: { buildx: { 'x-enabled': 'true' } },
      'some-other-tool': { deep: { unicode: 'ünï€ 😀', number: 1.5e-7, big: 12345678901234, empty: {} } },
      currentContext: 'remote',
    };
    await fs.writeFile(file, JSON.stringify(original));
    const config = await ConfigFile.load(file);
    await config.update((c) => c.setAuthEntry('ghcr.io', { auth: basicAuth('g', 'h') }));
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(saved).toEqual({ ...original, auths: { ...original.auths, 'ghcr.io': { auth: basicAuth('g', 'h') } } });
  });

  it('follows a symlinked config.json and keeps the link', async () => {
    const dir = await makeTempDir();
    const dotfiles = path.join(dir, 'dotfiles');
    await fs.mkdir(dotfiles);
    await fs.writeFile(path.join(dotfiles, 'docker.json'), '{"credsStore":"pass"}');
    const docker = path.join(dir, '.docker');
    await fs.mkdir(docker);
    const file = path.join(docker, 'config.json');
    await fs.symlink('../dotfiles/docker.json', file);
    const config = await ConfigFile.load(file);
    expect(config.credsStore).toBe('pass');
    await config.update((c) => c.setAuthEntry('quay.io', {}));
    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(dotfiles, 'docker.json'), 'utf8'))).toEqual({ credsStore: 'pass', auths: { 'quay.io': {} } });
    expect(await fs.readdir(docker)).toEqual(['config.json']);
  });

  it('writes through a dangling symlink to its target', async () => {
    const dir = await makeTempDir();
    const target = path.join(dir, 'elsewhere/real-config.json');
    const file = path.join(dir, '.docker/config.json');
    await fs.mkdir(path.dirname(file));
    await fs.symlink(target, file);
    const config = await ConfigFile.load(file);
    expect(config.exists).toBe(false);
    await config.update((c) => c.setAuthEntry('quay.io', {}));
    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await fs.readFile(target, 'utf8'))).toEqual({ auths: { 'quay.io': {} } });
  });

  it('keeps the previous owner when root rewrites a user config', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip();
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{}');
    await fs.chown(file, 1234, 2345);
    await (await ConfigFile.load(file)).update((c) => c.setAuthEntry('quay.io', {}));
    const stat = await fs.stat(file);
    expect([stat.uid, stat.gid]).toEqual([1234, 2345]);
  });
});

describe('ConfigFile.update', () => {
  it('re-reads the file before applying the change, so an outside change survives', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{"auths":{}}');
    const config = await ConfigFile.load(file);
    await fs.writeFile(file, '{"auths":{"other.io":{}},"credsStore":"pass"}');
    await config.update((c) => c.setAuthEntry('mine.io', {}));
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ auths: { 'other.io': {}, 'mine.io': {} }, credsStore: 'pass' });
    expect(config.credsStore).toBe('pass');
  });

  it('does not touch the file when nothing changed, and creates none for a no-op', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{ "auths": { "a.io": {} } }');
    const before = await snapshot(file);
    await (await ConfigFile.load(file)).update((c) => c.deleteAuthEntry('b.io'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await snapshot(file)).toEqual(before);
    const missing = path.join(dir, 'sub/config.json');
    await (await ConfigFile.load(missing)).update((c) => c.deleteAuthEntry('b.io'));
    await expect(fs.stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('returns the callback result and removes its lock file', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    const result = await (await ConfigFile.load(file)).update((c) => {
      c.setAuthEntry('a.io', {});
      return 42;
    });
    expect(result).toBe(42);
    expect(await fs.readdir(dir)).toEqual(['config.json']);
  });
});

describe('writeFileAtomic', () => {
  it('removes its temp file when the final rename fails', async () => {
    const dir = await makeTempDir();
    const target = path.join(dir, 'target');
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect(await fs.readdir(dir)).toEqual(['target']);
  });
});
