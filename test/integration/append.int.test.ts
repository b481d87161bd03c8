// `regctl append` against real peers: distribution 2.8 (same repository: only the new layer and
// config go up, no base layer read, counted at a proxy; another repository of the same registry:
// mounted), umoci unpacks the result of an oci: base with whiteouts (files, modes, symlinks,
// hard links, the base's whiteouts applied), skopeo reads the config, an index base keeps every
// platform with one shared layer blob, SOURCE_DATE_EPOCH makes two runs one digest, bad input
// is refused before anything is written; podman loads a docker-archive of the result and buildah
// `from` accepts it and finds the files.
import { spawnSync } from 'node:child_process';
import { chmod, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/index.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { LAYERS, layerTar, writeLayeredImage } from '../helpers/layered-image.js';
import { sha256, useRegistries } from '../helpers/registry-wire.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const hasUmoci = spawnSync('umoci', ['--version']).status === 0;
const hasPodman = spawnSync('podman', ['--version']).status === 0;
const hasBuildah = spawnSync('buildah', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
let n = 0;
const uniq = () => `${process.pid}-${++n}`;

useRegistries();
let tmp: string;
let app: string;
let proxy: CountingProxy;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-append-'));
  app = await appTree(path.join(tmp, 'app'));
  if (available) proxy = await startCountingProxy(inject('registries').open.url);
});
afterAll(async () => {
  await proxy?.close();
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['--config', path.join(tmp, 'cfg'), '--store', path.join(tmp, 'store'), ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json'), SOURCE_DATE_EPOCH: '', ...env } });
const skopeo = async (args: string[]) => (await run('skopeo', args)).stdout;
const rawManifest = (ref: string) => skopeo(['inspect', '--raw', '--tls-verify=false', '--no-creds', ref]);
const inspectConfig = async (ref: string) => JSON.parse(await skopeo(['inspect', '--config', '--tls-verify=false', '--no-creds', ref]));
const byDigest = (pinned: string) => `docker://${pinned.replace(/:[^:/@]+@/, '@')}`;

/** An app directory: nested files with their modes, an executable, a symlink, a hard link. */
async function appTree(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'dist', 'lib'), { recursive: true });
  await writeFile(path.join(dir, 'dist', 'server.js'), 'console.log("hi")\n');
  await writeFile(path.join(dir, 'dist', 'lib', 'util.js'), 'module.exports = 1\n');
  await writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\nexec node dist/server.js\n');
  await chmod(path.join(dir, 'run.sh'), 0o750);
  await writeFile(path.join(dir, 'private'), 'owner only\n');
  await chmod(path.join(dir, 'private'), 0o600);
  await symlink('dist/server.js', path.join(dir, 'main.js'));
  await link(path.join(dir, 'dist', 'server.js'), path.join(dir, 'server-copy.js'));
  return dir;
}

/** A copy of a seeded image in a repository of its own. */
async function seededCopy(seed: string, host = inject('registries').open.host): Promise<string> {
  const ref = `${host}/append/${seed.split('/')[1]!.replace(':', '-')}-${uniq()}:base`;
  const r = await cli(['copy', `${inject('registries').open.host}/${seed}`, ref]);
  expect(r.code, r.stderr).toBe(0);
  return ref;
}

describe.skipIf(!available)('regctl append against distribution 2.8', () => {
  const hello = () => inject('seeded')['demo/hello:v1']!;

  it('same repository: only the new layer and config go up, no base layer read; the config and manifest say what was added', async () => {
    const base = await seededCopy('demo/hello:v1', proxy.host);
    const target = base.replace(/:base$/, ':app');
    const mark = proxy.requests.length;
    const r = await cli(['append', base, target, '--layer', `${app}:/srv/app`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`The push refers to repository [${base.slice(0, base.lastIndexOf(':'))}]`);
    expect(r.stdout).toMatch(/: Layer already exists$/m);
    expect(r.stdout).toMatch(/: Pushed$/m);
    const seen = proxy.requests.slice(mark);
    const baseLayers = hello().manifests[0]!.layerDigests;
    expect(seen.filter((q) => q.method === 'GET' && q.url.includes('/blobs/') && baseLayers.some((d) => q.url.includes(d)))).toEqual([]);
    const direct = target.replace(proxy.host, inject('registries').open.host);
    const manifest = JSON.parse(await rawManifest(`docker://${direct}`));
    expect(manifest.layers.slice(0, -1).map((l: { digest: string }) => l.digest)).toEqual(baseLayers);
    const added = manifest.layers.at(-1);
    // The bytes uploaded are the new layer's and the config's, nothing of the base.
    expect(proxy.uploadBytes()).toBeGreaterThanOrEqual(added.size);
    const uploaded = seen.filter((q) => q.url.includes('/blobs/uploads/')).reduce((sum, q) => sum + q.sent, 0);
    expect(uploaded).toBe(added.size + manifest.config.size);
    expect(manifest.annotations).toEqual({ 'org.opencontainers.image.base.name': base, 'org.opencontainers.image.base.digest': hello().digest });
    const config = await inspectConfig(`docker://${direct}`);
    expect(config.rootfs.diff_ids).toHaveLength(baseLayers.length + 1);
    expect(config.history.at(-1).created_by).toBe(`regctl append ${config.rootfs.diff_ids.at(-1)} in /srv/app`);
    expect(config.history.at(-1).empty_layer).toBeUndefined();
    // The base is untouched.
    expect(sha256(Buffer.from(await rawManifest(`docker://${base.replace(proxy.host, inject('registries').open.host)}`)))).toBe(hello().digest);
  });

  it('another repository of the same registry: the base layers are mounted, not downloaded', async () => {
    const base = await seededCopy('demo/hello:v1', proxy.host);
    const target = `${proxy.host}/append/other-${uniq()}:v1`;
    const mark = proxy.requests.length;
    const r = await cli(['append', '-q', base, target, '--layer', app]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^.+:v1@sha256:[a-f0-9]{64}$/);
    const seen = proxy.requests.slice(mark);
    expect(seen.some((q) => q.method === 'POST' && q.url.includes('mount=') && q.status === 201)).toBe(true);
    const baseLayers = hello().manifests[0]!.layerDigests;
    expect(seen.filter((q) => q.method === 'GET' && q.url.includes('/blobs/') && baseLayers.some((d) => q.url.includes(d)))).toEqual([]);
  });

  it('SOURCE_DATE_EPOCH: two runs over trees with new mtimes give one digest; created and history take it', async () => {
    const base = `${inject('registries').open.host}/demo/hello:v1`;
    const digests: string[] = [];
    for (const when of [1_600_000_000, 1_700_000_000]) {
      const tree = await appTree(path.join(tmp, `repro-${uniq()}`));
      for (const f of ['dist/server.js', 'run.sh', 'dist']) await utimes(path.join(tree, f), when, when);
      const r = await cli(['append', '-q', base, `${inject('registries').open.host}/append/repro-${uniq()}:v1`, '--layer', `${tree}:/app`], { SOURCE_DATE_EPOCH: '1704067200' });
      expect(r.code, r.stderr).toBe(0);
      digests.push(r.stdout.trim().split('@')[1]!);
    }
    expect(digests[0]).toBe(digests[1]);
    const other = await cli(['append', '-q', base, `${inject('registries').open.host}/append/repro-${uniq()}:v1`, '--layer', `${app}:/app`], { SOURCE_DATE_EPOCH: '1704067201' });
    expect(other.stdout.trim().split('@')[1]).not.toBe(digests[0]);
    const config = await inspectConfig(byDigest(other.stdout.trim()));
    expect(config.created).toBe('2024-01-01T00:00:01Z');
    expect(config.history.at(-1).created).toBe('2024-01-01T00:00:01Z');
  });

  it('an index base: every platform gets the one layer blob, platforms and entries kept; --platform picks one', async () => {
    const base = await seededCopy('demo/multi:v1');
    const seeded = inject('seeded')['demo/multi:v1']!;
    const target = base.replace(/:base$/, ':app');
    const r = await cli(['append', '-q', base, target, '--layer', `${app}:/app`]);
    expect(r.code, r.stderr).toBe(0);
    const index = JSON.parse(await rawManifest(`docker://${target}`));
    const before = JSON.parse(await rawManifest(`docker://${base}`));
    expect(index.manifests.map((m: { platform: unknown }) => m.platform)).toEqual(before.manifests.map((m: { platform: unknown }) => m.platform));
    expect(index.annotations['org.opencontainers.image.base.digest']).toBe(seeded.digest);
    const tops = new Set<string>();
    for (const [i, entry] of (index.manifests as { digest: string }[]).entries()) {
      const child = JSON.parse(await rawManifest(`docker://${target.slice(0, target.lastIndexOf(':'))}@${entry.digest}`));
      expect(child.layers.slice(0, -1).map((l: { digest: string }) => l.digest)).toEqual(seeded.manifests[i]!.layerDigests);
      expect(child.annotations['org.opencontainers.image.base.digest']).toBe(before.manifests[i].digest);
      tops.add(child.layers.at(-1).digest);
    }
    expect(tops.size).toBe(1);
    const one = await cli(['append', '-q', '--platform', 'linux/arm64', base, target.replace(/:app$/, ':arm64'), '--layer', `${app}:/app`]);
    expect(one.code, one.stderr).toBe(0);
    const picked = JSON.parse(await rawManifest(byDigest(one.stdout.trim())));
    expect(picked.layers).toBeDefined();
    expect((await inspectConfig(byDigest(one.stdout.trim()))).architecture).toBe('arm64');
  });

  it('bad input: a missing PATH or an escaping tar is exit 6, bad flags exit 2, an artifact base refused; nothing is pushed', async () => {
    const host = inject('registries').open.host;
    const target = `${host}/append/refused-${uniq()}:v1`;
    const base = `${host}/demo/hello:v1`;
    const missing = await cli(['append', base, target, '--layer', path.join(tmp, 'no-such-dir')]);
    expect(missing.code).toBe(6);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no-such-dir');
    const evil = path.join(tmp, `evil-${uniq()}.tar`);
    await writeFile(evil, await layerTar([{ name: '../../etc/passwd', content: 'root::0:0::/:/bin/sh\n' }]));
    const escaped = await cli(['append', base, target, '--layer', `${evil}:/app`]);
    expect(escaped.code).toBe(6);
    expect(escaped.stderr.trim().split('\n')).toHaveLength(1);
    for (const [args, pattern] of [
      [['--layer', app, '--chown', 'app:app'], /--chown/],
      [['--layer', ''], /--layer/],
      [['--layer', app, '--platform', 'a/b/c/d'], /platform/],
    ] as const) {
      const r = await cli(['append', base, target, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    const noLayer = await cli(['append', base, target]);
    expect(noLayer.code).not.toBe(0);
    // An artifact is not a base: refused with one line.
    const artifactFile = path.join(tmp, 'sbom.json');
    await writeFile(artifactFile, '{"sbom":true}');
    const artifact = `${host}/append/artifact-${uniq()}:v1`;
    expect((await cli(['artifact', 'push', artifact, artifactFile, '--artifact-type', 'application/vnd.example.sbom'])).code).toBe(0);
    const refused = await cli(['append', artifact, target, '--layer', app]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is not a container image');
    // Nothing reached the target.
    const probe = await fetch(`http://${host}/v2/${target.slice(host.length + 1, target.lastIndexOf(':'))}/manifests/v1`, { method: 'HEAD' });
    expect(probe.status).toBe(404);
  });

  it('library: RegistryClient.append with typed options', async () => {
    const client = new RegistryClient({ configDir: path.join(tmp, 'cfg'), storeDir: path.join(tmp, 'lib-store'), credentials: false, env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } });
    try {
      const host = inject('registries').open.host;
      const result = await client.append(`${host}/demo/hello:v1`, `${host}/append/lib-${uniq()}:v1`, {
        layers: [{ path: app, dest: '/opt/app' }],
        owner: { uid: 1000, gid: 1000 },
        timestamp: new Date('2024-05-06T07:08:09Z'),
      });
      expect(result.layers).toHaveLength(1);
      expect(result.sourceDigest).toBe(hello().digest);
      const config = await inspectConfig(byDigest(result.pinned));
      expect(config.created).toBe('2024-05-06T07:08:09Z');
      expect(config.rootfs.diff_ids.at(-1)).toBe(result.layers[0]!.diffId);
    } finally {
      await client.close();
    }
  });

  describe.skipIf(!hasPodman)('podman', () => {
    it('loads a docker-archive of the result and shows the new history and config', async () => {
      const host = inject('registries').open.host;
      const archive = path.join(tmp, `podman-${uniq()}.tar`);
      const r = await cli(['append', `${host}/demo/hello:v1`, `docker-archive:${archive}:localhost/appended:v1`, '--layer', `${app}:/app`]);
      expect(r.code, r.stderr).toBe(0);
      const root = path.join(tmp, `podman-root-${uniq()}`);
      const podman = (args: string[]) => run('podman', ['--storage-driver', 'vfs', '--root', path.join(root, 'root'), '--runroot', path.join(root, 'run'), ...args], { timeoutMs: 60_000 });
      await podman(['load', '-i', archive]);
      const [image] = JSON.parse((await podman(['image', 'inspect', 'localhost/appended:v1'])).stdout);
      expect(image.RootFS.Layers).toHaveLength(hello().manifests[0]!.layerDigests.length + 1);
      const history = JSON.parse((await podman(['image', 'history', '--format', 'json', '--no-trunc', 'localhost/appended:v1'])).stdout);
      expect(history[0].CreatedBy ?? history[0].createdBy).toMatch(/^regctl append sha256:[a-f0-9]{64} in \/app$/);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    }, 120_000);
  });

  describe.skipIf(!hasBuildah || !isRoot)('buildah', () => {
    it('`from` accepts the result and its mount holds the appended files', async () => {
      const host = inject('registries').open.host;
      const target = `${host}/append/buildah-${uniq()}:v1`;
      const r = await cli(['append', `${host}/demo/hello:v1`, target, '--layer', `${app}:/app`, '--chown', '1000:1000']);
      expect(r.code, r.stderr).toBe(0);
      const root = path.join(tmp, `buildah-root-${uniq()}`);
      const buildah = (args: string[]) => run('buildah', ['--storage-driver', 'vfs', '--root', path.join(root, 'root'), '--runroot', path.join(root, 'run'), ...args], { timeoutMs: 90_000 });
      const container = (await buildah(['from', '--tls-verify=false', `docker://${target}`])).stdout.trim().split('\n').at(-1)!;
      const mount = (await buildah(['mount', container])).stdout.trim();
      expect(await readFile(path.join(mount, 'app', 'dist', 'server.js'), 'utf8')).toBe('console.log("hi")\n');
      expect(await readlink(path.join(mount, 'app', 'main.js'))).toBe('dist/server.js');
      const st = await lstat(path.join(mount, 'app', 'run.sh'));
      expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o750, 1000, 1000]);
      await buildah(['rm', container]).catch(() => undefined);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    }, 150_000);
  });
});

describe.skipIf(!hasUmoci || !isRoot)('regctl append onto an oci: layout, unpacked by umoci', () => {
  it("umoci's rootfs has the base with its whiteouts applied and the new files with modes, symlink and hard link", async () => {
    const dir = path.join(tmp, `layout-${uniq()}`);
    await writeLayeredImage(dir, LAYERS, { tag: 'base' });
    const r = await cli(['append', `oci:${dir}:base`, `oci:${dir}:app`, '--layer', `${app}:/srv`]);
    expect(r.code, r.stderr).toBe(0);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name']).sort()).toEqual(['app', 'base']);
    const bundle = path.join(tmp, `bundle-${uniq()}`);
    await run('umoci', ['unpack', '--image', `${dir}:app`, bundle]);
    const rootfs = path.join(bundle, 'rootfs');
    // The base's whiteouts and opaque directory are applied under the new layer.
    await expect(lstat(path.join(rootfs, 'etc', 'gone'))).rejects.toThrow();
    await expect(lstat(path.join(rootfs, 'opq', 'lower'))).rejects.toThrow();
    expect(await readFile(path.join(rootfs, 'etc', 'keep'), 'utf8')).toBe('base keep\n');
    expect((await readdir(path.join(rootfs, 'srv'))).sort()).toEqual(['dist', 'main.js', 'private', 'run.sh', 'server-copy.js']);
    expect(await readFile(path.join(rootfs, 'srv', 'dist', 'lib', 'util.js'), 'utf8')).toBe('module.exports = 1\n');
    expect((await lstat(path.join(rootfs, 'srv', 'run.sh'))).mode & 0o7777).toBe(0o750);
    expect((await lstat(path.join(rootfs, 'srv', 'private'))).mode & 0o7777).toBe(0o600);
    expect(await readlink(path.join(rootfs, 'srv', 'main.js'))).toBe('dist/server.js');
    const [a, b] = await Promise.all([lstat(path.join(rootfs, 'srv', 'dist', 'server.js')), lstat(path.join(rootfs, 'srv', 'server-copy.js'))]);
    expect(a.ino).toBe(b.ino);
    expect([a.uid, a.gid]).toEqual([0, 0]);
    // The base layout's name has no machine path in it: only the digest is recorded.
    const manifest = JSON.parse(await readFile(path.join(dir, 'blobs', 'sha256', index.manifests.find((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name'] === 'app').digest.slice(7)), 'utf8'));
    expect(Object.keys(manifest.annotations)).toEqual(['org.opencontainers.image.base.digest']);
  });
});
