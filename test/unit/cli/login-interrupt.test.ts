// Ctrl-C at login's password prompt. The prompt reads the terminal in raw mode, where the
// terminal sends Ctrl-C as the byte \u0003 instead of raising SIGINT, so the run's abort signal
// never fires; the command must still end as every interrupted command does: `Interrupted`, 130,
// and nothing written to config.json. Tested with a fake raw-mode stdin, and in a real pty (tmux).
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { makeTempDir, removeTempDirs } from '../config/support.js';

afterAll(removeTempDirs);

function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(mode: boolean) { stdin.raw = mode; return stdin; } });
  let stdout = '';
  let stderr = '';
  const io = {
    stdin,
    stdout: { write: (c: string | Uint8Array) => ((stdout += c.toString()), true), isTTY: true },
    stderr: { write: (c: string | Uint8Array) => ((stderr += c.toString()), true), isTTY: true },
  };
  return { stdin, io, out: () => stdout, err: () => stderr };
}

describe('login: Ctrl-C at the password prompt', () => {
  it.each([
    ['after typing part of the password', 'sec\u0003'],
    ['on an empty line', '\u0003'],
  ])('%s: Interrupted, exit 130, config.json untouched', async (_, keys) => {
    const dir = await makeTempDir('regctl-login-int-');
    const t = terminal();
    // 127.0.0.1:9 (discard): nothing is contacted before the credentials are asked for.
    const run = main(['login', '-u', 'alice', '127.0.0.1:9'], { io: { ...t.io, env: { ...process.env, DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '' } } });
    for (let i = 0; i < 500 && !t.out().includes('Password: '); i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.stdin.raw).toBe(true);
    t.stdin.write(keys);
    expect(await run).toBe(130);
    expect(t.err()).toBe('Interrupted\n');
    expect(t.out()).toBe('Password: \n');
    expect(t.stdin.raw).toBe(false);
    expect(await fs.readdir(dir)).toEqual([]);
    await expect(fs.access(path.join(dir, 'config.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

const tmux = spawnSync('tmux', ['-V']).status === 0;
if (!tmux && !process.env.CI) console.warn('login-interrupt: tmux not installed, skipping the pty test (apt-get install tmux)');

describe.skipIf(!tmux && !process.env.CI)('login: Ctrl-C at the password prompt of a real terminal', () => {
  const socket = `regctl-login-${process.pid}`;
  const sh = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screen = () => sh('capture-pane', '-p', '-t', 'login').replace(/\n+$/, '');
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  async function until(what: string, check: () => boolean): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
  }

  it('prints Interrupted and exits 130, leaving the terminal cooked and config.json unwritten', async () => {
    const dir = await makeTempDir('regctl-login-pty-');
    // version.ts reads ../../package.json from its module: give the bundle one there.
    const cli = path.join(dir, 'dist', 'bundle', 'regctl.mjs');
    await fs.copyFile('package.json', path.join(dir, 'package.json'));
    // The CLI as bin/regctl.js runs it (main's own signal handlers, process.stdin in raw mode).
    await build({
      stdin: { contents: `import { main } from './src/cli/main.ts'; main(process.argv.slice(2)).then((code) => { process.exitCode = code; });`, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: cli, logLevel: 'silent',
      external: ['@napi-rs/keyring', 'undici'],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const config = path.join(dir, 'config');
    const command = `DOCKER_CONFIG=${config} DOCKER_AUTH_CONFIG= ${process.execPath} ${cli} login -u alice 127.0.0.1:9; echo "EXIT=$?"; stty -a | grep -o -- '-\\?icanon' ; sleep 60`;
    sh('new-session', '-d', '-s', 'login', '-x', '80', '-y', '20', command);
    await until('the password prompt', () => screen().includes('Password:')); // tmux drops trailing blanks
    sh('send-keys', '-t', 'login', 'sec');
    sh('send-keys', '-t', 'login', 'C-c');
    await until('the exit', () => /EXIT=\d+/.test(screen()));
    const rows = screen().split('\n').map((r) => r.trimEnd()).filter((r) => r !== '');
    expect(rows).toEqual(['Password:', 'Interrupted', 'EXIT=130', 'icanon']);
    await expect(fs.access(path.join(config, 'config.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 30_000);
});
