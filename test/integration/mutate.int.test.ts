// `regctl mutate` against distribution 2.8 with real peers: in place (the tag moves, only the
// new config goes up, no layer read or sent, counted at a proxy), into an oci: layout (skopeo
// inspects the config), an index on every platform, an artifact refused, bad flags refused
// before any request; podman loads a docker-archive of the result and shows the mutated config.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/index.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { pushBlob, putManifest, serve, useRegistries } from '../helpers/registry-wire.js';

const available = inject('registriesAvailable');
const hasPodman = spawnSync('podman', ['--version']).status === 0;
const sha256 = (b: string | Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let n = 0;
const uniq = () => `${process.pid}-${++n}`;

useRegistries();
let tmp: string;
let proxy: CountingProxy;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-mutate-'));
  if (available) proxy = await startCountingProxy(inject('registries').open.url);
});
afterAll(async () => {
  await proxy?.close();
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['--config', path.join(tmp, 'cfg'), '--store', path.join(tmp, 'store'), ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json'), SOURCE_DATE_EPOCH: '', ...env } });
const skopeo = async (args: string[]) => (await run('skopeo', args)).stdout;
const inspectConfig = async (ref: string) => JSON.parse(await skopeo(['inspect', '--config', '--tls-verify=false', '--no-creds', ref]));
/** skopeo takes REPO@DIGEST, not REPO:TAG@DIGEST (what -q prints). */
const byDigest = (pinned: string) => `docker://${pinned.replace(/:[^:/@]+@/, '@')}`;
const rawManifest = (ref: string) => skopeo(['inspect', '--raw', '--tls-verify=false', '--no-creds', ref]);

/** A copy of a seeded image in a repository of its own (mutate in place moves its tag). */
async function seededCopy(seed: string, host = inject('registries').open.host): Promise<string> {
  const ref = `${host}/mutate/${seed.split('/')[1]!.replace(':', '-')}-${uniq()}:v1`;
  const r = await cli(['copy', `${inject('registries').open.host}/${seed}`, ref]);
  expect(r.code, r.stderr).toBe(0);
  return ref;
}

describe.skipIf(!available)('regctl mutate', () => {
  const hello = () => inject('seeded')['demo/hello:v1']!;

  it('in place: the tag moves, only the new config is uploaded, no layer read or sent', async () => {
    const ref = await seededCopy('demo/hello:v1', proxy.host);
    const mark = proxy.requests.length;
    const r = await cli(['mutate', '--entrypoint', '["/bin/app","--serve"]', '--env', 'NODE_ENV=production', '--label', 'org.example.team=web', '--expose', '8080', '--workdir', '/srv', '--user', '1000:1000', '--annotation', 'org.example.note=mutated', ref]);
    expect(r.code, r.stderr).toBe(0);
    const digest = /digest: (sha256:[a-f0-9]{64}) size: \d+$/m.exec(r.stdout)?.[1];
    expect(digest).toBeDefined();
    expect(r.stdout).toContain(`The push refers to repository [${ref.slice(0, ref.lastIndexOf(':'))}]`);
    expect(r.stdout).toMatch(/: Layer already exists$/m);
    const seen = proxy.requests.slice(mark);
    const layerDigests = hello().manifests[0]!.layerDigests;
    // No layer GET with a body, no upload but the config's one.
    expect(seen.filter((q) => q.method === 'GET' && q.url.includes('/blobs/') && layerDigests.some((d) => q.url.includes(d)))).toEqual([]);
    const uploads = seen.filter((q) => q.url.includes('/blobs/uploads/') && q.method !== 'GET');
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.every((q) => !layerDigests.some((d) => decodeURIComponent(q.url).includes(d)))).toBe(true);
    const direct = ref.replace(proxy.host, inject('registries').open.host);
    const manifest = await rawManifest(`docker://${direct}`);
    expect(sha256(manifest)).toBe(digest);
    const parsed = JSON.parse(manifest);
    expect(parsed.layers.map((l: { digest: string }) => l.digest)).toEqual(layerDigests);
    expect(parsed.annotations).toEqual({ 'org.example.note': 'mutated' });
    const config = await inspectConfig(`docker://${direct}`);
    expect(config.config).toMatchObject({
      Entrypoint: ['/bin/app', '--serve'],
      WorkingDir: '/srv',
      User: '1000:1000',
      ExposedPorts: { '8080/tcp': {} },
      Labels: { 'org.example.team': 'web' },
    });
    expect(config.config.Env).toContain('NODE_ENV=production');
    expect(config.config.Cmd).toBeUndefined(); // --entrypoint without --cmd resets it (docker)
    expect(config.rootfs.diff_ids).toEqual((await inspectConfig(`docker://${inject('registries').open.host}/demo/hello:v1`)).rootfs.diff_ids);
    expect(config.history.at(-1)).toMatchObject({ empty_layer: true, created_by: expect.stringMatching(/^regctl mutate --entrypoint/) });
  });

  it('-q prints REF@DIGEST; SOURCE_DATE_EPOCH sets created; same input, same digest', async () => {
    const src = await seededCopy('demo/hello:v1');
    const one = await cli(['mutate', '-q', '--cmd', 'node server.js', src, `${src.slice(0, src.lastIndexOf(':'))}:a`], { SOURCE_DATE_EPOCH: '1700000000' });
    const two = await cli(['mutate', '-q', '--cmd', 'node server.js', src, `${src.slice(0, src.lastIndexOf(':'))}:b`], { SOURCE_DATE_EPOCH: '1700000000' });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^${src.slice(0, src.lastIndexOf(':')).replace(/[.]/g, '\\.')}:a@sha256:[a-f0-9]{64}\\n$`));
    expect(one.stdout.split('@')[1]).toBe(two.stdout.split('@')[1]);
    const config = await inspectConfig(byDigest(one.stdout.trim()));
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.config.Cmd).toEqual(['/bin/sh', '-c', 'node server.js']);
  });

  it('an annotation alone keeps the config byte for byte (SOURCE_DATE_EPOCH set or not): nothing uploaded', async () => {
    const src = await seededCopy('demo/hello:v1', proxy.host);
    const mark = proxy.requests.length;
    const r = await cli(['mutate', '-q', '--annotation', 'org.opencontainers.image.revision=abc', src], { SOURCE_DATE_EPOCH: '1700000000' });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.requests.slice(mark).filter((q) => q.url.includes('/blobs/uploads/'))).toEqual([]);
    const manifest = JSON.parse(await rawManifest(`docker://${src.replace(proxy.host, inject('registries').open.host)}`));
    expect(manifest.config.digest).toBe(hello().manifests[0]!.configDigest);
    expect(manifest.annotations).toEqual({ 'org.opencontainers.image.revision': 'abc' });
  });

  it('into an oci: layout: skopeo reads the changed config, layers the same', async () => {
    const dir = path.join(tmp, `layout-${uniq()}`);
    const r = await cli(['mutate', '--env', 'A=1', '--label', 'x=y', `${inject('registries').open.host}/demo/hello:v1`, `oci:${dir}:app`]);
    expect(r.code, r.stderr).toBe(0);
    const config = await inspectConfig(`oci:${dir}:app`);
    expect(config.config.Env).toContain('A=1');
    expect(config.config.Labels).toEqual({ x: 'y' });
    const manifest = JSON.parse(await skopeo(['inspect', '--raw', `oci:${dir}:app`]));
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(hello().manifests[0]!.layerDigests);
    // In place in the layout: the name moves to the new image.
    const again = await cli(['mutate', '-q', '--env', 'A-', '--workdir', '/w', `oci:${dir}:app`]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^oci:${dir.replace(/[.]/g, '\\.')}:app@sha256:[a-f0-9]{64}\n$`));
    const moved = await inspectConfig(`oci:${dir}:app`);
    expect(moved.config.Env).not.toContain('A=1');
    expect(moved.config.WorkingDir).toBe('/w');
    expect(moved.history.filter((h: { empty_layer?: boolean }) => h.empty_layer).length).toBeGreaterThanOrEqual(2);
  });

  it('in the local store: store:NAME in place', async () => {
    const name = `127.0.0.1:1/mutate/store-${uniq()}:v1`;
    const r = await cli(['mutate', '--label', 'stored=yes', `${inject('registries').open.host}/demo/hello:v1`, `store:${name}`]);
    expect(r.code, r.stderr).toBe(0);
    const again = await cli(['mutate', '--label', 'again=yes', `store:${name}`]);
    expect(again.code, again.stderr).toBe(0);
    const inspected = JSON.parse((await cli(['inspect', name])).stdout)[0];
    expect(inspected.Config.Labels).toEqual({ stored: 'yes', again: 'yes' });
  });

  it('to another registry: the layers stream across, the config is new', async () => {
    const other = await serve();
    const target = `${new URL(other.url).host}/elsewhere/app:v2`;
    const r = await cli(['mutate', '-q', '--user', 'nobody', `${inject('registries').open.host}/demo/hello:v1`, target]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${target.replace(/[.]/g, '\\.')}@sha256:[a-f0-9]{64}$`));
    const manifest = JSON.parse(await rawManifest(`docker://${target}`));
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(hello().manifests[0]!.layerDigests);
    expect((await inspectConfig(`docker://${target}`)).config.User).toBe('nobody');
    // skopeo reads every layer back from the new registry: they arrived whole.
    await skopeo(['copy', '--src-tls-verify=false', '--src-no-creds', `docker://${target}`, `oci:${path.join(tmp, `back-${uniq()}`)}:x`]);
  });

  it('an index keeps every platform, each config mutated; --platform picks one', async () => {
    const src = await seededCopy('demo/multi:v1');
    const seeded = inject('seeded')['demo/multi:v1']!;
    const r = await cli(['mutate', '-q', '--env', 'MULTI=1', '--annotation', 'idx=1', src]);
    expect(r.code, r.stderr).toBe(0);
    const index = JSON.parse(await rawManifest(`docker://${src}`));
    expect(sha256(await rawManifest(`docker://${src}`))).toBe(r.stdout.trim().split('@')[1]);
    expect(index.annotations).toEqual({ idx: '1' });
    expect(index.manifests.map((m: { platform: unknown }) => m.platform)).toEqual(seeded.manifests.map((m) => expect.objectContaining(m.platform)));
    for (const entry of index.manifests) {
      const repo = src.slice(0, src.lastIndexOf(':'));
      expect(seeded.manifests.map((m) => m.digest)).not.toContain(entry.digest);
      const config = await inspectConfig(`docker://${repo}@${entry.digest}`);
      expect(config.config.Env).toContain('MULTI=1');
    }
    const one = await cli(['mutate', '-q', '--platform', 'linux/arm64', '--user', 'nobody', src, `${src.slice(0, src.lastIndexOf(':'))}:arm64`]);
    expect(one.code, one.stderr).toBe(0);
    const single = JSON.parse(await rawManifest(byDigest(one.stdout.trim())));
    expect(single.config).toBeDefined();
    expect((await inspectConfig(byDigest(one.stdout.trim()))).architecture).toBe('arm64');
    // Without TARGET, --platform would drop the other platforms from the tag: refused.
    const refused = await cli(['mutate', '--platform', 'linux/arm64', '--user', 'x', src]);
    expect(refused.code).toBe(2);
  });

  it("an index's attestation entry (not an image) is left out, with a warning", async () => {
    const src = await seededCopy('demo/hello:v1');
    const { url, host } = inject('registries').open;
    const repo = src.slice(host.length + 1, src.lastIndexOf(':'));
    const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}');
    const config = Buffer.from('{}');
    await pushBlob(url, repo, statement);
    await pushBlob(url, repo, config);
    const attestation = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.in-toto+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.in-toto+json', digest: sha256(statement), size: statement.length }],
    }));
    expect((await putManifest(url, repo, sha256(attestation), attestation)).status).toBe(201);
    const image = Buffer.from(await rawManifest(`docker://${src}`));
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(image), size: image.length, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(attestation), size: attestation.length, platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': sha256(image) } },
      ],
    }));
    expect((await putManifest(url, repo, 'idx', index, 'application/vnd.oci.image.index.v1+json')).status).toBe(201);
    const r = await cli(['mutate', '--env', 'X=1', `${host}/${repo}:idx`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`left out index entry ${sha256(attestation)}`);
    const mutated = JSON.parse(await rawManifest(`docker://${host}/${repo}:idx`));
    expect(mutated.manifests).toHaveLength(1);
    expect(mutated.manifests[0].platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it('an artifact SOURCE is refused: one error line, non-zero exit, nothing written', async () => {
    const file = path.join(tmp, 'sbom.json');
    await writeFile(file, '{"sbom":true}');
    const ref = `${inject('registries').open.host}/mutate/artifact-${uniq()}:v1`;
    const pushed = await cli(['artifact', 'push', '--artifact-type', 'application/spdx+json', ref, file]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const before = await rawManifest(`docker://${ref}`);
    const r = await cli(['mutate', '--env', 'A=1', ref]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is not a container image/);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('Error') || l.includes('not a container image'))).toHaveLength(1);
    expect(await rawManifest(`docker://${ref}`)).toBe(before);
  });

  it('bad flag values and a digest-only SOURCE without TARGET: exit 2 before any request', async () => {
    const ref = `${proxy.host}/mutate/never-${uniq()}:v1`;
    const mark = proxy.requests.length;
    for (const args of [
      ['--env', 'NOEQUALS'],
      ['--expose', '99999'],
      ['--created', 'yesterday'],
      ['--cmd', '["unterminated"'],
      [],
    ]) {
      const r = await cli(['mutate', ...args, ref]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/invalid|nothing to change/);
    }
    const digestOnly = await cli(['mutate', '--env', 'A=1', `${proxy.host}/demo/hello@${hello().digest}`]);
    expect(digestOnly.code).toBe(2);
    expect(digestOnly.stderr).toMatch(/no tag to move/);
    expect(proxy.requests.slice(mark)).toEqual([]);
  });

  it('library: RegistryClient.mutate with typed options, into a target', async () => {
    const src = await seededCopy('demo/hello:v1');
    const client = new RegistryClient({ configDir: path.join(tmp, 'cfg'), storeDir: path.join(tmp, 'lib-store'), credentials: false, env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } });
    try {
      const target = `${src.slice(0, src.lastIndexOf(':'))}:lib`;
      const result = await client.mutate(src, { target, cmd: ['serve'], env: { LIB: '1' }, created: '2024-05-06T07:08:09Z' });
      expect(result.ref).toBe(target);
      expect(result.pinned).toBe(`${target}@${result.digest}`);
      expect(result.pushed).toBe(1); // the config; the layer was already there
      expect(result.sourceDigest).toBe(hello().digest);
      const config = await inspectConfig(byDigest(result.pinned));
      expect(config.config.Cmd).toEqual(['serve']);
      expect(config.created).toBe('2024-05-06T07:08:09Z');
      // The source is untouched.
      expect(sha256(await rawManifest(`docker://${src}`))).toBe(hello().digest);
    } finally {
      await client.close();
    }
  });

  describe.skipIf(!hasPodman)('podman', () => {
    it('loads a docker-archive of the result and shows the mutated config', async () => {
      const src = await seededCopy('demo/hello:v1');
      const r = await cli(['mutate', '--entrypoint', 'exec /app', '--cmd', '["--port","8080"]', '--env', 'GREETING=hi', '--label', 'team=web', '--expose', '8080/tcp', '--workdir', '/srv', '--user', 'app', src]);
      expect(r.code, r.stderr).toBe(0);
      const archive = path.join(tmp, `podman-${uniq()}.tar`);
      const copied = await cli(['copy', src, `docker-archive:${archive}:localhost/mutated:v1`]);
      expect(copied.code, copied.stderr).toBe(0);
      const root = path.join(tmp, `podman-root-${uniq()}`);
      const podman = (args: string[]) => run('podman', ['--storage-driver', 'vfs', '--root', path.join(root, 'root'), '--runroot', path.join(root, 'run'), ...args], { timeoutMs: 60_000 });
      await podman(['load', '-i', archive]);
      const [image] = JSON.parse((await podman(['image', 'inspect', 'localhost/mutated:v1'])).stdout);
      expect(image.Config.Entrypoint).toEqual(['/bin/sh', '-c', 'exec /app']);
      expect(image.Config.Cmd).toEqual(['--port', '8080']);
      expect(image.Config.Env).toContain('GREETING=hi');
      expect(image.Config.Labels).toEqual({ team: 'web' });
      expect(image.Config.ExposedPorts).toEqual({ '8080/tcp': {} });
      expect(image.Config.WorkingDir).toBe('/srv');
      expect(image.Config.User).toBe('app');
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    }, 120_000);
  });
});
