// save and load against real tools: regctl's archive read by skopeo as docker-archive: and as
// oci-archive: (pushed into the real registry with the store's digests), and skopeo-made
// docker-archive / oci-archive tars loaded by regctl, inspected, and pushed on.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { putGeneratedImage } from '../helpers/store-image.js';
import { transpilePackage } from '../helpers/transpiled-dist.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const uniq = () => randomBytes(4).toString('hex');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-saveload-int-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const newDir = (prefix: string) => mkdtemp(path.join(tmp, prefix));
const cli = (store: string, args: string[]) => runCli(['--config', tmp, '--store', store, ...args]);
const skopeo = (args: string[]) => run('skopeo', ['--insecure-policy', ...args]);
const rawManifest = async (ref: string) => (await skopeo(['inspect', '--raw', '--tls-verify=false', '--no-creds', `docker://${ref}`])).stdout;

describe('save | load through real processes', () => {
  it('streams several MiB through stdout and stdin (back-pressure, binary-safe) with the same digests', async () => {
    const pkg = await transpilePackage();
    try {
      const src = await newDir('pipe-src-');
      const dst = await newDir('pipe-dst-');
      const image = await putGeneratedImage(await LayoutStore.open(src), 'docker.io/library/piped:big', { layerSizes: [6_000_000, 3_000_000] });
      const bin = path.join(pkg.binDir, 'regctl');
      const r = await run('sh', ['-c', `"${bin}" --store "${src}" save piped:big | "${bin}" --store "${dst}" load`], { timeoutMs: 60_000 });
      expect(r.stdout).toBe('Loaded image: piped:big\n');
      const loaded = (await (await LayoutStore.open(dst)).getImage('docker.io/library/piped:big'))!;
      expect(loaded.descriptor.digest).toBe(image.digest);
      expect(await (await LayoutStore.open(dst)).validate()).toEqual([]);
    } finally {
      await pkg.remove();
    }
  }, 120_000);
});

describe.skipIf(!available)('save / load with skopeo and the real registry', () => {
  const open = inject('registries').open;
  const seeded = inject('seeded');

  it('skopeo reads regctl save as docker-archive: (config and layers kept) and as oci-archive: (manifest digest kept)', async () => {
    const store = await newDir('store-');
    const s = await LayoutStore.open(store);
    const a = await putGeneratedImage(s, 'docker.io/library/savea:v1');
    const b = await putGeneratedImage(s, 'docker.io/team/saveb:v2');
    const archive = path.join(await newDir('out-'), 'two.tar');
    const saved = await cli(store, ['save', '-o', archive, 'savea:v1', 'team/saveb:v2']);
    expect(saved.code, saved.stderr).toBe(0);

    // docker-archive: skopeo builds its own manifest, but the config (the image ID) is the store's.
    const viaDocker = `${open.host}/savetest/docker-${uniq()}:v1`;
    await skopeo(['copy', '-q', '--dest-tls-verify=false', '--dest-no-creds', `docker-archive:${archive}:team/saveb:v2`, `docker://${viaDocker}`]);
    const dm = JSON.parse(await rawManifest(viaDocker)) as { config: { digest: string } };
    expect(dm.config.digest).toBe(b.manifests[0]!.configDigest);

    // oci-archive: the manifest travels byte for byte.
    const viaOci = `${open.host}/savetest/oci-${uniq()}:v1`;
    await skopeo(['copy', '-q', '--dest-tls-verify=false', '--dest-no-creds', `oci-archive:${archive}:v1`, `docker://${viaOci}`]);
    expect(sha256(await rawManifest(viaOci))).toBe(a.digest);
  });

  it('loads a skopeo docker-archive (with its layer.tar symlinks): images, inspect, then push', async () => {
    const hello = seeded['demo/hello:v1']!;
    const archive = path.join(await newDir('da-'), 'hello.tar');
    await skopeo(['copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${open.host}/demo/hello:v1`, `docker-archive:${archive}:${open.host}/loaded/hello:v1`]);
    const store = await newDir('store-');
    const r = await cli(store, ['load', '-i', archive]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Loaded image: ${open.host}/loaded/hello:v1\n`);
    const inspect = await cli(store, ['inspect', '--format', '{{.Id}}', `${open.host}/loaded/hello:v1`]);
    expect(inspect.stdout.trim()).toBe(hello.manifests[0]!.configDigest);
    const target = `${open.host}/loadtest/da-${uniq()}:v1`;
    expect((await cli(store, ['tag', `${open.host}/loaded/hello:v1`, target])).code).toBe(0);
    const pushed = await cli(store, ['push', target]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const m = JSON.parse(await rawManifest(target)) as { mediaType: string; config: { digest: string } };
    expect([m.mediaType, m.config.digest]).toEqual(['application/vnd.docker.distribution.manifest.v2+json', hello.manifests[0]!.configDigest]);
  });

  it('loads a skopeo oci-archive with the registry digest intact, and pushes it', async () => {
    const hello = seeded['demo/hello:v1']!;
    const archive = path.join(await newDir('oa-'), 'hello.tar');
    const name = `${open.host}/loaded/oci:v1`;
    await skopeo(['copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${open.host}/demo/hello:v1`, `oci-archive:${archive}:${name}`]);
    const store = await newDir('store-');
    const r = await cli(store, ['load', '-i', archive]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Loaded image: ${name}\n`);
    const image = (await (await LayoutStore.open(store)).getImage(name))!;
    expect(image.descriptor.digest).toBe(hello.digest);
    const target = `${open.host}/loadtest/oa-${uniq()}:v1`;
    expect((await cli(store, ['tag', name, target])).code).toBe(0);
    expect((await cli(store, ['push', target])).code).toBe(0);
    expect(sha256(await rawManifest(target))).toBe(hello.digest);
  });
});

describe('a skopeo oci-archive named only by a bare tag', () => {
  it('loads as an untagged image (<none> <none>), inspectable and taggable by ID', async () => {
    const src = await newDir('bare-src-');
    const image = await putGeneratedImage(await LayoutStore.open(src), 'docker.io/library/bare:1');
    // skopeo reads the store as an OCI layout and writes index.json only, ref.name "v1".
    const archive = path.join(await newDir('bare-out-'), 'bare.tar');
    await skopeo(['copy', '-q', `oci:${src}:docker.io/library/bare:1`, `oci-archive:${archive}:v1`]);
    const store = await newDir('bare-store-');
    const r = await cli(store, ['load', '-i', archive]);
    expect(r.code, r.stderr).toBe(0);
    const id = image.manifests[0]!.configDigest;
    expect(r.stdout).toBe(`Loaded image ID: ${id}\n`);
    expect((await cli(store, ['images', '--format', '{{.Repository}} {{.Tag}} {{.ID}}'])).stdout).toBe(`<none> <none> ${id.slice(7, 19)}\n`);
    expect((await cli(store, ['inspect', '--format', '{{.Id}} {{json .RepoTags}}', id.slice(7, 19)])).stdout).toBe(`${id} []\n`);
    expect((await cli(store, ['tag', id.slice(7, 19), 'bare:v1'])).code).toBe(0);
    expect((await cli(store, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout).toBe('bare:v1\n');
    expect(await (await LayoutStore.open(store)).listUnnamedImages()).toEqual([]);
  });
});
