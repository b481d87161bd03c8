// The real binary after `npm run build`: bin/regctl.js runs the esbuild bundle in dist/bundle/
// (one file plus lazy chunks, commander inside), not the modules of dist/cli/, and the bundled
// CLI answers exactly like the sources run in-process (help, version, unknown commands and
// options, global options before and after the command, each with lazy command registration).
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { runUnchecked } from '../../helpers/run-process.js';

const bin = path.resolve('bin/regctl.js');
const built = existsSync(path.resolve('dist/cli/main.js'));

let dir: string;
let store: string;
let register: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-bin-'));
  store = path.join(dir, 'store');
  // A module loader hook that names every file the binary loads, on stderr.
  await fs.writeFile(
    path.join(dir, 'hooks.mjs'),
    "export async function load(url, context, next) { if (url.startsWith('file:')) process._rawDebug('loaded ' + url); return next(url, context); }\n",
  );
  register = path.join(dir, 'register.mjs');
  await fs.writeFile(register, "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, REGCTL_STORE: store, DOCKER_CONFIG: path.join(dir, 'config') });

describe.skipIf(!built)('bin/regctl.js after npm run build', () => {
  it('runs the bundle: no module of dist/cli/, no commander file from node_modules', async () => {
    const r = await runUnchecked(process.execPath, ['--import', pathToFileURL(register).href, bin, '--version'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^regctl version \S+\n$/);
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('loaded ')).map((l) => l.slice('loaded '.length));
    const root = pathToFileURL(path.resolve('.')).href;
    expect(loaded).toContain(`${root}/dist/bundle/regctl.js`);
    expect(loaded.filter((url) => url.startsWith(`${root}/dist/cli/`) || url.includes('/node_modules/'))).toEqual([]);
  });

  const cases: Array<[string, () => string[]]> = [
    ['--help', () => ['--help']],
    ['--version', () => ['--version']],
    ['-v', () => ['-v']],
    ['no command', () => []],
    ['an unknown command', () => ['imagse']],
    ['a global option before the command', () => ['--store', store, 'images']],
    ['a global option after the command', () => ['images', '--debug', '--store', store]],
    ['an unknown option before the command', () => ['--bogus', 'images']],
    ["an alias's help", () => ['cp', '--help']],
    ['help for a command', () => ['help', 'tag']],
    ['a missing argument', () => ['--store', store, 'tag', 'a']],
  ];
  it.each(cases)('answers %s like the sources', async (_name, args) => {
    const spawned = await runUnchecked(process.execPath, [bin, ...args()], { env: env() });
    const inProcess = await runCli(args(), { env: env() });
    expect({ code: spawned.code, stdout: spawned.stdout, stderr: spawned.stderr }).toEqual(inProcess);
  });
});
