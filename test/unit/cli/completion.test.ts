// `completion bash|zsh|fish`: generated from the program. The bash script is sourced in a real
// bash and driven the way bash drives it (COMP_LINE/COMP_POINT/COMP_WORDS/COMP_CWORD); local
// image names come from a real `regctl images` (the transpiled package's bin on PATH).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runUnchecked, which } from '../../helpers/run-process.js';
import { runCli } from '../../helpers/run-cli.js';
import { putGeneratedImage } from '../../helpers/store-image.js';
import { transpilePackage, type TranspiledPackage } from '../../helpers/transpiled-dist.js';

const bash = await which('bash');
let pkg: TranspiledPackage;
let dir: string;
let scriptPath: string;
let storeDir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-completion-'));
  storeDir = path.join(dir, 'store');
  const store = await LayoutStore.open(storeDir);
  await putGeneratedImage(store, 'docker.io/library/busybox:latest', { layerSizes: [100] });
  await putGeneratedImage(store, 'localhost:5000/team/app:1.0', { layerSizes: [100] });
  pkg = await transpilePackage();
  const r = await runCli(['completion', 'bash']);
  expect(r.code).toBe(0);
  scriptPath = path.join(dir, 'regctl.bash');
  await fs.writeFile(scriptPath, r.stdout);
}, 60_000);

afterAll(async () => {
  await pkg?.remove();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Completes `line` (cursor at its end) with the sourced script; one candidate per line. */
async function complete(line: string, opts: { store?: string } = {}): Promise<string[]> {
  const program = `
source "$1"
COMP_LINE=$2
COMP_POINT=\${#COMP_LINE}
read -r -a COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_regctl
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  const env = { PATH: `${pkg.binDir}:${process.env.PATH}`, HOME: dir, REGCTL_STORE: opts.store ?? storeDir };
  const r = await runUnchecked(bash!, ['--norc', '--noprofile', '-c', program, 'bash', scriptPath, line], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe.skipIf(!bash && !process.env.CI)('bash completion', () => {
  it('passes bash -n', async () => {
    const r = await runUnchecked(bash!, ['-n', scriptPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('completes command names, including nested ones', async () => {
    expect(await complete('regctl pu')).toEqual(['pull', 'push']);
    expect(await complete('regctl ')).toEqual(expect.arrayContaining(['login', 'manifest', 'auth', 'completion', 'images', 'help']));
    expect(await complete('regctl manifest ')).toEqual(['inspect', 'create', 'annotate', 'push', 'rm']);
    expect(await complete('regctl auth ')).toEqual(['k8s-secret', 'get', 'token']);
    expect(await complete('regctl artifact ')).toEqual(['push', 'pull', 'attach', 'list']);
  });

  it("completes a command's flags and the global flags, skipping flag values", async () => {
    const flags = await complete('regctl --store /tmp/x manifest inspect --');
    expect(flags).toEqual(expect.arrayContaining(['--raw', '--verbose', '--insecure', '--debug', '--config', '--help']));
    expect(flags).not.toContain('--password-stdin');
    expect(await complete('regctl auth k8s-secret --na')).toEqual(['--name', '--namespace']);
    expect(await complete('regctl artifact pull --o')).toEqual(['--output', '--overwrite']);
  });

  it('completes directories after a flag taking a directory', async () => {
    await fs.mkdir(path.join(dir, 'cfgdir'), { recursive: true });
    expect(await complete(`regctl --config ${dir}/cfg`)).toEqual([`${dir}/cfgdir`]);
    expect(await complete(`regctl images --config ${dir}/cfg`)).toEqual([`${dir}/cfgdir`]);
    // A value that is not a path completes nothing.
    expect(await complete(`regctl auth k8s-secret -o ${dir}/cfg`)).toEqual([]);
  });

  it('completes local images for tag, push, rmi, inspect and save', async () => {
    for (const cmd of ['tag', 'push', 'rmi', 'inspect', 'save']) {
      expect((await complete(`regctl ${cmd} `)).sort(), cmd).toEqual(['busybox:latest', 'localhost:5000/team/app:1.0']);
    }
    expect(await complete('regctl push bu')).toEqual(['busybox:latest']);
    // -f is a flag without a value for rmi (--force), so the next word is an image again.
    expect(await complete('regctl rmi -f bu')).toEqual(['busybox:latest']);
    expect(await complete('regctl inspect -f {{.Id}} bu')).toEqual(['busybox:latest']);
    expect(await complete('regctl inspect -f ')).toEqual([]);
    // Not for commands whose arguments are remote references.
    expect(await complete('regctl pull ')).toEqual([]);
  });

  it('completes references containing colons relative to the word bash split at the last colon', async () => {
    expect(await complete('regctl rmi localhost:5000/te')).toEqual(['5000/team/app:1.0']);
    expect(await complete('regctl rmi localhost:5000/team/app:')).toEqual(['1.0']);
  });

  it('lists the images of the store named by --store on the command line', async () => {
    const other = path.join(dir, 'other-store');
    await putGeneratedImage(await LayoutStore.open(other), 'docker.io/library/alpine:3.20', { layerSizes: [100] });
    expect(await complete(`regctl --store ${other} push `)).toEqual(['alpine:3.20']);
  });
});

describe('zsh and fish scripts', () => {
  it('zsh wraps the same bash completion with bashcompinit', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bashcompinit');
    expect(r.stdout).toContain('complete -F _regctl regctl');
    const zsh = await which('zsh');
    if (zsh) expect((await runUnchecked(zsh, ['-n', '-c', r.stdout])).code).toBe(0);
  });

  it('fish declares every command and flag, and local images for tag/push/rmi/inspect/save', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`complete -c regctl -n '__regctl_at \\'\\'' -a 'pull'`);
    expect(r.stdout).toContain(`complete -c regctl -n '__regctl_at \\'manifest inspect\\'' -l raw`);
    expect(r.stdout).toContain(`complete -c regctl -l config -r -a '(__fish_complete_directories)'`);
    // One word per line: command substitution in fish splits on newlines only.
    expect(r.stdout).toMatch(/case 'manifest'\n\s+printf '%s\\n' 'inspect' 'create' 'annotate' 'push' 'rm'\n/);
    for (const cmd of ['tag', 'push', 'rmi', 'inspect', 'save']) expect(r.stdout).toContain(`-n '__regctl_at \\'${cmd}\\'' -a '(__regctl_local_images)'`);
    const fish = await which('fish');
    if (fish) expect((await runUnchecked(fish, ['-n', '-c', r.stdout])).code).toBe(0);
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unsupported shell "tcsh"');
  });
});
