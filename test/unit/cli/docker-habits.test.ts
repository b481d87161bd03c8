// What a docker user types first: `version`, `image ls|rm|inspect`, `images -a` and
// `--filter`, a bare `regctl` (help on stdout), usage errors in docker's shape (cli/cobra.go
// FlagErrorFunc: the error, then `See 'regctl pull --help'.`), and `help` with an unknown topic.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/cli/version.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { putGeneratedImage } from '../../helpers/store-image.js';

let dir: string;
let store: string;
let danglingId: string;
const cli = (args: string[]) => runCli(['--config', path.join(dir, 'cfg'), '--store', store, ...args]);

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-habits-'));
  store = path.join(dir, 'store');
  const layout = await LayoutStore.open(store);
  await putGeneratedImage(layout, 'localhost:5000/team/my-app:v1');
  // An image no tag names (docker's dangling): written by another tool without a ref.name.
  const other = await putGeneratedImage(layout, 'localhost:5000/team/old:v0', { layerSizes: [1234] });
  const stored = await layout.getImage('localhost:5000/team/old:v0');
  await layout.removeImage('localhost:5000/team/old:v0');
  await layout.putRefName(undefined, stored!.descriptor);
  danglingId = other.manifests[0]!.configDigest;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('docker habits', () => {
  it('regctl version prints the version line', async () => {
    expect(await cli(['version'])).toEqual({ code: 0, stdout: `regctl version ${VERSION}\n`, stderr: '' });
  });

  it('image ls|list|rm|inspect are the local-image commands', async () => {
    const ls = await cli(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', 'localhost:5000/team/my-app']);
    expect(ls).toEqual({ code: 0, stdout: 'localhost:5000/team/my-app:v1\n', stderr: '' });
    expect((await cli(['image', 'list', '-q'])).stdout).toBe((await cli(['images', '-q'])).stdout);
    const inspect = await cli(['image', 'inspect', '--format', '{{.Os}}', 'localhost:5000/team/my-app:v1']);
    expect(inspect).toEqual({ code: 0, stdout: 'linux\n', stderr: '' });
    expect((await cli(['image', 'rm', 'localhost:5000/team/nosuch'])).code).toBe(4);
  });

  it('images -a is accepted; --filter dangling=true|false and reference=PATTERN select like docker', async () => {
    const format = ['--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--no-trunc'];
    expect((await cli(['images', '-a', ...format])).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect((await cli(['images', '--filter', 'dangling=true', ...format])).stdout).toBe(`<none>:<none> ${danglingId}\n`);
    expect((await cli(['images', '-f', 'dangling=false', ...format])).stdout).toMatch(/^localhost:5000\/team\/my-app:v1 sha256:/);
    expect((await cli(['images', '--filter', 'reference=localhost:5000/team/*', ...format])).stdout).toMatch(/^localhost:5000\/team\/my-app:v1 /);
    expect((await cli(['images', '--filter', 'reference=nomatch', ...format])).stdout).toBe('');
    expect(await cli(['images', '--filter', 'since=x'])).toEqual({ code: 2, stdout: '', stderr: "Error: invalid filter 'since'\n" });
  });

  it('a bare regctl prints its help on stdout and exits 0', async () => {
    const r = await cli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: regctl \[options\] \[command\]/);
    expect(r.stderr).toBe('');
  });

  it("usage errors say 'Error: ...' then \"See 'regctl CMD --help'.\", exit 2", async () => {
    expect(await cli(['pull'])).toEqual({ code: 2, stdout: '', stderr: "Error: missing required argument 'name'\nSee 'regctl pull --help'.\n" });
    expect(await cli(['pull', '--bogus', 'x'])).toEqual({ code: 2, stdout: '', stderr: "Error: unknown option '--bogus'\nSee 'regctl pull --help'.\n" });
    expect(await cli(['manifest', 'inspect'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/\nSee 'regctl manifest inspect --help'\.\n$/) });
  });

  it('help for an unknown topic is an error; help for a command prints it on stdout', async () => {
    expect(await cli(['help', 'pul'])).toEqual({ code: 2, stdout: '', stderr: 'Error: unknown help topic pul\n' });
    const help = await cli(['help', 'pull']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: regctl pull \[options\] <name>/);
    expect((await cli(['help', 'image', 'ls'])).stdout).toMatch(/^Usage: regctl image ls/);
  });
});
