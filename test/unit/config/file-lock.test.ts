import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFile } from '../../../src/config/config-file.js';
import { runUnchecked } from '../../helpers/run-process.js';
import { makeTempDir, removeTempDirs, transpileConfigModules } from './support.js';

afterAll(removeTempDirs);

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 999_999;
}

async function configWithLock(owner: unknown, ageMs = 0): Promise<{ file: string; lock: string }> {
  const dir = await makeTempDir();
  const file = path.join(dir, 'config.json');
  const lock = `${file}.lock`;
  await fs.writeFile(file, '{"auths":{}}');
  await fs.writeFile(lock, JSON.stringify(owner));
  if (ageMs) {
    const when = new Date(Date.now() - ageMs);
    await fs.utimes(lock, when, when);
  }
  return { file, lock };
}

describe('concurrent updates from separate processes', () => {
  let moduleUrl: string;
  beforeAll(async () => {
    moduleUrl = await transpileConfigModules(await makeTempDir('regctl-config-js-'));
  });

  it('keep every entry written by either process', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, '{"auths":{},"HttpHeaders":{"X-Keep":"yes"}}');
    const rounds = 25;
    const worker = (name: string) => `
      const { ConfigFile } = await import(${JSON.stringify(moduleUrl)});
      for (let i = 0; i < ${rounds}; i++) {
        const config = await ConfigFile.load(${JSON.stringify(file)});
        await config.update((c) => c.setAuthEntry('${name}-' + i + '.example', {}));
      }`;
    const results = await Promise.all(
      ['alpha', 'beta'].map((name) => runUnchecked(process.execPath, ['--input-type=module', '-e', worker(name)], { timeoutMs: 60_000 })),
    );
    for (const result of results) expect(result.stderr).toBe('');
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(Object.keys(saved.auths)).toHaveLength(2 * rounds);
    expect(saved.HttpHeaders).toEqual({ 'X-Keep': 'yes' });
    expect(await fs.readdir(dir)).toEqual(['config.json']);
  });
});

describe('config.json.lock', () => {
  it('waits for a live holder to release the lock', async () => {
    const { file, lock } = await configWithLock({ pid: process.pid, hostname: os.hostname() });
    const started = Date.now();
    setTimeout(() => void fs.rm(lock), 150);
    await (await ConfigFile.load(file)).update((c) => c.setAuthEntry('a.io', {}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({ 'a.io': {} });
  });

  it('gives up with a ConfigError naming the holder, and leaves the lock alone', async () => {
    const { file, lock } = await configWithLock({ pid: process.pid, hostname: os.hostname() });
    const before = await fs.readFile(file, 'utf8');
    const config = await ConfigFile.load(file);
    await expect(config.update((c) => c.setAuthEntry('a.io', {}), { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'REGCTL_CONFIG',
      file,
      message: expect.stringContaining(`locked by another process (pid ${process.pid})`),
    });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    await expect(fs.stat(lock)).resolves.toBeDefined();
  });

  it('breaks a lock whose owner died on this host at once', async () => {
    const { file, lock } = await configWithLock({ pid: await deadPid(), hostname: os.hostname() });
    await (await ConfigFile.load(file)).update((c) => c.setAuthEntry('a.io', {}), { timeoutMs: 1_000 });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({ 'a.io': {} });
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks a lock older than staleMs whatever its content', async () => {
    const { file } = await configWithLock('garbage', 60_000);
    await (await ConfigFile.load(file)).update((c) => c.setAuthEntry('a.io', {}), { timeoutMs: 1_000 });
    expect(JSON.parse(await fs.readFile(file, 'utf8')).auths).toEqual({ 'a.io': {} });
  });

  it('does not judge a fresh lock from another host by its pid', async () => {
    const { file } = await configWithLock({ pid: await deadPid(), hostname: 'some-other-host.invalid' });
    await expect((await ConfigFile.load(file)).update((c) => c.setAuthEntry('a.io', {}), { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'REGCTL_CONFIG',
    });
  });
});
