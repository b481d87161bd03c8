// Hostile local input: invalid references, a config.json that is not JSON / unreadable / a
// directory, a store on a read-only or full file system (real tmpfs mounts: root only), and an
// archive whose entries climb out of the target. Each: a clear error naming the input or the
// file, a non-zero exit, and nothing lost (the files are unchanged, the store still valid).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeEdgeImage, serveEdgeImage } from '../helpers/edge-image.js';
import { registryError, sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../helpers/edge-server.js';
import { indexNames, storeProblems } from '../helpers/reliability.js';
import { runCli } from '../helpers/run-cli.js';
import { ustar } from '../helpers/ustar.js';

const exec = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const ONE_ERROR = /^Error: [^\n]+\n(hint: [^\n]+\n)?$/;

let tmp: string;
let edge: EdgeServer;
/** Asks for Basic credentials everywhere: a pull then reads config.json. */
let authEdge: EdgeServer;
const mounts: string[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-rel-local-'));
  edge = await startEdgeServer();
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  serveEdgeImage(edge, 'small/app', 'v1', makeEdgeImage(10_000));
  serveEdgeImage(edge, 'big/app', 'v1', makeEdgeImage(2 * 1024 * 1024));
  authEdge = await startEdgeServer();
  authEdge.on('*', /.*/, registryError(401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="edge"' }));
});
afterEach(async () => {
  for (const dir of mounts.splice(0)) await exec('umount', [dir]).catch(() => undefined);
});
afterAll(async () => {
  await edge?.close();
  await authEdge?.close();
  await rm(tmp, { recursive: true, force: true });
});

const dir = (prefix: string) => mkdtemp(path.join(tmp, prefix));

/** A tmpfs of `size` mounted on a fresh dir (root only). */
async function tmpfs(size: string): Promise<string> {
  const mnt = await dir('mnt-');
  await exec('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt]);
  mounts.push(mnt);
  return mnt;
}

describe('reliability: hostile local input', () => {
  it.each([
    'a:b:c',
    'repo@sha256:123',
    'repo@',
    ':tag',
    'a//b',
    'repo:bad tag',
    'repo:',
    `repo@sha256:${'g'.repeat(64)}`,
    `repo:${'t'.repeat(129)}`,
    'x/'.repeat(200) + 'y',
    'ünïcode/repo',
  ])('invalid reference %j: one line naming it, exit non-zero, no store created', async (input) => {
    const store = path.join(await dir('ref-'), 'store');
    for (const args of [['pull', input], ['tag', input, 'ok:v1'], ['push', input], ['manifest', 'inspect', input]]) {
      const r = await runCli(['--config', await dir('cfg-'), '--store', store, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      expect(r.stderr).toMatch(ONE_ERROR);
      expect(r.stderr.length).toBeLessThan(1200);
      expect(r.stderr).not.toMatch(/internal error|    at /);
    }
    expect(existsSync(store)).toBe(false);
  });

  it('a registry port out of range (valid grammar, no valid URL): one clear line, not an internal error', async () => {
    const store = await dir('store-');
    for (const args of [['pull', 'host:99999999999/x'], ['manifest', 'inspect', 'host:99999999999/x'], ['tags', 'host:99999999999/x']]) {
      const r = await runCli(['--config', await dir('cfg-'), '--store', store, ...args]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toBe('Error: invalid reference format: host:99999999999 is not a valid registry host[:port]\n');
    }
    expect(await indexNames(store)).toEqual([]);
  });

  it.each([
    ['not JSON', async (file: string) => writeFile(file, '{"auths": {')],
    ['a directory', async (file: string) => mkdir(file)],
    ['unreadable (a symlink loop: root reads any mode)', async (file: string) => symlink(path.basename(file), file)],
  ])('config.json %s: login fails naming the file, which is left as it was; pull warns naming it', async (_what, make) => {
    const cfg = await dir('cfg-');
    const file = path.join(cfg, 'config.json');
    await make(file);
    const before = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => e.code);
    const login = await runCli(['--config', cfg, 'login', '-u', 'alice', '--password-stdin', authEdge.host], { stdin: 'pw\n' });
    expect(login.code, login.stdout + login.stderr).not.toBe(0);
    expect(login.stderr).toMatch(ONE_ERROR);
    expect(login.stderr).toContain(file);
    // docker goes on without credentials after "WARNING: Error loading config file"; so does regctl.
    const pull = await runCli(['--config', cfg, '--store', await dir('store-'), 'pull', `${authEdge.host}/private/app:v1`]);
    expect(pull.code).not.toBe(0);
    expect(pull.stderr).toMatch(new RegExp(`^WARNING: Error loading config file: [^\\n]*${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\n`));
    expect(pull.stderr.split('\n').slice(1).join('\n')).toMatch(ONE_ERROR);
    expect(await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => e.code)).toEqual(before);
  });

  it.skipIf(!isRoot)('a read-only store: the pull fails naming a path in it; the images already there stay valid', async () => {
    const store = await tmpfs('8m');
    expect((await runCli(['--config', await dir('cfg-'), '--store', store, 'pull', '-q', `${edge.host}/small/app:v1`])).code).toBe(0);
    await exec('mount', ['-o', 'remount,ro', store]);
    const r = await runCli(['--config', await dir('cfg-'), '--store', store, 'pull', `${edge.host}/big/app:v1`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(ONE_ERROR);
    expect(r.stderr).toContain(store);
    expect(await indexNames(store)).toEqual([`${edge.host}/small/app:v1`]);
    expect(await storeProblems(store)).toEqual([]);
  });

  it.skipIf(!isRoot)('a full store (ENOSPC on a 1 MiB tmpfs): the pull fails naming the file; nothing lost', async () => {
    const store = await tmpfs('1m');
    expect((await runCli(['--config', await dir('cfg-'), '--store', store, 'pull', '-q', `${edge.host}/small/app:v1`])).code).toBe(0);
    const r = await runCli(['--config', await dir('cfg-'), '--store', store, 'pull', `${edge.host}/big/app:v1`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(ONE_ERROR);
    expect(r.stderr).toMatch(/ENOSPC|no space/i);
    expect(r.stderr).toContain(store);
    expect(await indexNames(store)).toEqual([`${edge.host}/small/app:v1`]);
    expect(await storeProblems(store)).toEqual([]);
  });

  it('an archive whose entries climb out of the target is refused; nothing is written outside', async () => {
    const work = await dir('load-');
    const archive = path.join(work, 'evil.tar');
    await writeFile(archive, ustar([{ name: '../../escaped.txt', content: 'pwned' }, { name: 'manifest.json', content: '[]' }]));
    const store = path.join(work, 'store');
    const r = await runCli(['--config', await dir('cfg-'), '--store', store, 'load', '-i', archive]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(ONE_ERROR);
    expect(r.stderr).toContain('..');
    expect(existsSync(path.join(tmp, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(work, '..', 'escaped.txt'))).toBe(false);
    expect(await indexNames(store)).toEqual([]);
  });
});
