// export and cat against real peers: umoci (Debian) unpacks the same oci: layout and its rootfs
// (whiteouts and opaque directory applied by umoci) must be the tree regctl export writes: paths,
// modes, symlink targets, contents; and export/cat of the image pushed to distribution 2.8.
import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCountingProxy } from '../helpers/counting-proxy.js';
import { buildOciLayout } from '../helpers/oci-builder.js';
import { LAYERS, readTar, writeLayeredImage } from '../helpers/layered-image.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const hasUmoci = spawnSync('umoci', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
const available = inject('registriesAvailable');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-export-int-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const cli = (args: string[]) => runCli(['--config', tmp, '--store', path.join(tmp, 'store'), ...args]);

type Node = { type: string; mode: number; content?: string; linkname?: string };

/** Every path under `root` (no leading slash, directories without a trailing one). */
async function walk(root: string): Promise<Map<string, Node>> {
  const out = new Map<string, Node>();
  for (const rel of (await readdir(root, { recursive: true })).map(String).sort()) {
    const full = path.join(root, rel);
    const st = await lstat(full);
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) out.set(rel, { type: 'directory', mode });
    else if (st.isSymbolicLink()) out.set(rel, { type: 'symlink', mode: 0, linkname: await readlink(full) });
    else out.set(rel, { type: 'file', mode, content: await readFile(full, 'utf8') });
  }
  return out;
}

/** The exported tar as the tree it extracts to: hardlinks become the file they share. */
function asTree(entries: Map<string, Node>): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const [name, e] of entries) {
    const key = name.replace(/\/$/, '');
    if (e.type === 'link') out.set(key, { ...entries.get(e.linkname!)!, type: 'file' });
    else if (e.type === 'symlink') out.set(key, { type: 'symlink', mode: 0, linkname: e.linkname! });
    else out.set(key, e.type === 'file' ? { type: 'file', mode: e.mode, content: e.content! } : { type: e.type, mode: e.mode });
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

describe.skipIf(!hasUmoci || !isRoot)('regctl export against umoci unpack', () => {
  it('writes the tree umoci unpacks: whiteouts and the opaque directory applied, modes, symlinks, contents', async () => {
    const dir = path.join(tmp, 'layout');
    await writeLayeredImage(dir, LAYERS, { tag: 'v1' });
    const bundle = path.join(tmp, 'bundle');
    await run('umoci', ['unpack', '--image', `${dir}:v1`, bundle]);
    const file = path.join(tmp, 'rootfs.tar');
    const r = await cli(['export', '-o', file, `oci:${dir}:v1`]);
    expect(r.code, r.stderr).toBe(0);
    const exported = asTree((await readTar(await readFile(file))) as Map<string, Node>);
    const unpacked = await walk(path.join(bundle, 'rootfs'));
    expect([...exported.keys()]).toEqual([...unpacked.keys()]);
    expect(exported).toEqual(unpacked);
    expect(unpacked.has('opq/lower') || unpacked.has('etc/gone') || unpacked.has('tree')).toBe(false);
  });
});

describe.skipIf(!available)('export and cat from a registry (distribution 2.8)', () => {
  const open = inject('registries').open;

  it('exports to stdout and to -o, and cats a lower-layer file; a whited-out file is not found', async () => {
    const dir = path.join(tmp, 'push-layout');
    await writeLayeredImage(dir, LAYERS, { tag: 'v1' });
    const ref = `${open.host}/export/layered:v1`;
    const pushed = await cli(['copy', '-q', `oci:${dir}:v1`, ref]);
    expect(pushed.code, pushed.stderr).toBe(0);

    const file = path.join(tmp, 'from-registry.tar');
    const toFile = await cli(['export', '-o', file, ref]);
    expect(toFile.code, toFile.stderr).toBe(0);
    const fromFile = await readTar(await readFile(file));
    const piped = await cli(['export', ref]);
    expect(piped.code, piped.stderr).toBe(0);
    const fromStdout = await readTar(Buffer.from(piped.stdout, 'utf8'));
    expect([...fromStdout.keys()]).toEqual([...fromFile.keys()]);
    expect([...fromFile.keys()].sort()).toEqual(['bin/', 'bin/tool', 'bin/tool2', 'etc/', 'etc/added', 'etc/keep', 'etc/replaced', 'hard/', 'hard/keeps-old', 'hard/old', 'hard/trio', 'hard/twin', 'link', 'opq/', 'opq/upper', 'secret']);

    expect(await cli(['cat', ref, '/etc/keep'])).toMatchObject({ code: 0, stdout: 'base keep\n' });
    expect(await cli(['cat', ref, '/link'])).toMatchObject({ code: 0, stdout: 'base keep\n' });
    const gone = await cli(['cat', ref, '/etc/gone']);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain(`/etc/gone: no such file or directory in ${ref}`);
  });

  it('cat downloads only the layers from the top down to the one holding the file (counted at a proxy)', async () => {
    const dir = path.join(tmp, 'proxy-layout');
    const image = await writeLayeredImage(dir, LAYERS, { tag: 'v1' });
    const pushed = await cli(['copy', '-q', `oci:${dir}:v1`, `${open.host}/export/counted:v1`]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const proxy = await startCountingProxy(open.url);
    try {
      const r = await cli(['cat', `${proxy.host}/export/counted:v1`, '/etc/added']);
      expect(r).toMatchObject({ code: 0, stdout: 'top\n' });
      const fetched = proxy.requests.filter((q) => q.method === 'GET' && q.url.includes('/blobs/sha256:')).map((q) => q.url.split('/blobs/')[1]);
      expect(fetched).toContain(image.layers[2]!.digest);
      expect(fetched).not.toContain(image.layers[1]!.digest);
      expect(fetched).not.toContain(image.layers[0]!.digest);
    } finally {
      await proxy.close();
    }
  });

  it('picks the platform of an index: --platform, else this machine\'s', async () => {
    const built = await buildOciLayout(path.join(tmp, 'multi'), { tag: 'm1', multiPlatform: true, salt: 'export' });
    const ref = `${open.host}/export/multi:m1`;
    const pushed = await cli(['copy', '-q', `oci:${built.layoutDir}:m1`, ref]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const arm = await cli(['cat', '--platform', 'linux/arm64', ref, '/etc/hello.txt']);
    expect(arm).toMatchObject({ code: 0, stdout: expect.stringContaining('(linux/arm64/v8)') });
    const file = path.join(tmp, 'multi-amd64.tar');
    const exported = await cli(['export', '--platform', 'linux/amd64', '-o', file, ref]);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await readTar(await readFile(file))).get('etc/hello.txt')?.content).toContain('(linux/amd64)');
    const none = await cli(['cat', '--platform', 'linux/s390x', ref, '/etc/hello.txt']);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('no matching manifest for linux/s390x');
  });
});
