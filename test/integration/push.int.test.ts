// `regctl push` end to end against the real registries: every auth mode read back by skopeo
// (inspect --raw and copy into an OCI dir, digests identical to the store's), nothing sent the
// second time and mounts into another repository (counted at the wire), denied pushes and the
// mount fallback in token mode, chunked uploads, a connection cut mid-upload, multi-platform,
// -a, and the `regctl tag` + `regctl push` path from one registry to another.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { pushId, putGeneratedImage, type GeneratedImage } from '../helpers/store-image.js';
import { readTokenLog, tokenLogMark } from '../helpers/token-log.js';
import { USERS, type TestUserName } from '../helpers/users.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const uniq = () => randomBytes(4).toString('hex');

let tmp: string;
let proxy: CountingProxy;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-push-'));
  if (available) proxy = await startCountingProxy(inject('registries').open.url);
});
afterAll(async () => {
  await proxy?.close();
  await rm(tmp, { recursive: true, force: true });
});

const newDir = (prefix: string) => mkdtemp(path.join(tmp, prefix));

/** A config dir whose config.json logs `user` in to each host. */
async function configFor(logins: [host: string, user: TestUserName][] = []): Promise<string> {
  const dir = await newDir('cfg-');
  const auths = Object.fromEntries(logins.map(([host, user]) => [host, { auth: Buffer.from(`${user}:${USERS[user].password}`).toString('base64') }]));
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

async function storeWith(name: string, opts: Parameters<typeof putGeneratedImage>[2] = {}): Promise<{ dir: string; image: GeneratedImage }> {
  const dir = await newDir('store-');
  const image = await putGeneratedImage(await LayoutStore.open(dir), name, opts);
  return { dir, image };
}

const cli = (cfg: string, store: string, args: string[]) => runCli(['--config', cfg, '--store', store, ...args]);

function skopeoAuth(user?: TestUserName): string[] {
  return ['--tls-verify=false', ...(user ? ['--creds', `${user}:${USERS[user].password}`] : ['--no-creds'])];
}

/** The manifest bytes as the registry stores them. */
async function registryManifest(ref: string, user?: TestUserName): Promise<string> {
  return (await run('skopeo', ['inspect', '--raw', ...skopeoAuth(user), `docker://${ref}`])).stdout;
}

/** skopeo copy into an OCI dir; returns the digest the dir's index names, after checking every blob file's content. */
async function copiedDigest(ref: string, user?: TestUserName, all = false): Promise<string> {
  const out = await newDir('oci-');
  const creds = user ? ['--src-creds', `${user}:${USERS[user].password}`] : ['--src-no-creds'];
  await run('skopeo', ['--insecure-policy', 'copy', '-q', ...(all ? ['--all'] : []), '--src-tls-verify=false', ...creds, `docker://${ref}`, `oci:${out}:x`]);
  const index = JSON.parse(await readFile(path.join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const top = index.manifests[0]!.digest;
  const manifest = JSON.parse(await readFile(path.join(out, 'blobs/sha256', top.slice(7)), 'utf8')) as { manifests?: { digest: string }[]; config?: { digest: string }; layers?: { digest: string }[] };
  const children = manifest.manifests?.map((m) => m.digest) ?? [];
  for (const d of [top, ...children, ...(manifest.config ? [manifest.config.digest] : []), ...(manifest.layers ?? []).map((l) => l.digest)]) {
    expect(sha256(await readFile(path.join(out, 'blobs/sha256', d.slice(7))))).toBe(d);
  }
  return top;
}

const layerLines = (stdout: string) => stdout.split('\n').filter((l) => /^[0-9a-f]{12}: /.test(l));

describe.skipIf(!available)('regctl push', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  it.each([
    ['open', undefined],
    ['htpasswd', 'alice'],
    ['token', 'alice'],
  ] as const)('pushes to the %s registry with docker\'s output; skopeo reads back the same digests', async (mode, user) => {
    const host = regs[mode].host;
    const repo = `${host}/pushtest/gen-${uniq()}`;
    const { dir, image } = await storeWith(`${repo}:v1`, { layerSizes: [300_000, 700_000] });
    const [bottom, top] = image.manifests[0]!.layers;
    const r = await cli(await configFor(user ? [[host, user]] : []), dir, ['push', `${repo}:v1`]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([`The push refers to repository [${repo}]`, `${pushId(top!)}: Preparing`, `${pushId(bottom!)}: Preparing`]);
    expect(lines.slice(3, -1).sort()).toEqual([`${pushId(bottom!)}: Pushed`, `${pushId(top!)}: Pushed`].sort());
    expect(lines.at(-1)).toBe(`v1: digest: ${image.digest} size: ${image.size}`);

    expect(sha256(await registryManifest(`${repo}:v1`, user))).toBe(image.digest);
    expect(await copiedDigest(`${repo}:v1`, user)).toBe(image.digest);
  });

  it('a second push sends no blob bytes; a push to another repository mounts every blob', async () => {
    const repo = `${proxy.host}/pushtest/twice-${uniq()}`;
    const { dir, image } = await storeWith(`${repo}:v1`);
    const cfg = await configFor();
    expect((await cli(cfg, dir, ['push', `${repo}:v1`])).code).toBe(0);
    const sentAfterFirst = proxy.uploadBytes();
    const postsAfterFirst = proxy.requests.filter((q) => q.method === 'POST').length;
    const layers = image.manifests[0]!.layers;

    const second = await cli(cfg, dir, ['push', `${repo}:v1`]);
    expect(second.code, second.stderr).toBe(0);
    expect(layerLines(second.stdout).filter((l) => !l.endsWith('Preparing')).sort()).toEqual(layers.map((l) => `${pushId(l)}: Layer already exists`).sort());
    expect(second.stdout).toContain(`v1: digest: ${image.digest} size: ${image.size}`);
    expect(proxy.uploadBytes()).toBe(sentAfterFirst);
    expect(proxy.requests.filter((q) => q.method === 'POST').length).toBe(postsAfterFirst);

    // The shell-script path: regctl tag, then regctl push, into another repository of the same registry.
    const other = `${proxy.host}/pushtest/mounted-${uniq()}`;
    expect((await cli(cfg, dir, ['tag', `${repo}:v1`, `${other}:v1`])).code).toBe(0);
    const mark = proxy.requests.length;
    const third = await cli(cfg, dir, ['push', `${other}:v1`]);
    expect(third.code, third.stderr).toBe(0);
    const from = repo.slice(proxy.host.length + 1);
    expect(layerLines(third.stdout).filter((l) => !l.endsWith('Preparing')).sort()).toEqual(layers.map((l) => `${pushId(l)}: Mounted from ${from}`).sort());
    const mounts = proxy.requests.slice(mark).filter((q) => q.method === 'POST');
    expect(mounts).toHaveLength(3); // config and two layers
    expect(mounts.every((q) => q.url.includes('?mount=sha256%3A') && q.url.includes(`&from=${encodeURIComponent(from)}`) && q.status === 201)).toBe(true);
    expect(proxy.uploadBytes()).toBe(sentAfterFirst);
    expect(await copiedDigest(`${regs.open.host}/${other.slice(proxy.host.length + 1)}:v1`)).toBe(image.digest);
  });

  it('token mode: bob may not push to private/: docker\'s denied message, a hint, exit 3', async () => {
    const repo = `${regs.token.host}/private/bobtry-${uniq()}`;
    const { dir } = await storeWith(`${repo}:v1`);
    const r = await cli(await configFor([[regs.token.host, 'bob']]), dir, ['push', `${repo}:v1`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: denied: requested access to the resource is denied\nhint: .*regctl login/);
    expect(r.stderr).toContain('push access');
  });

  it('htpasswd mode without credentials: docker\'s "unauthorized: authentication required", the login hint, exit 3', async () => {
    const repo = `${regs.htpasswd.host}/pushtest/anon-${uniq()}`;
    const { dir } = await storeWith(`${repo}:v1`);
    const r = await cli(await configFor(), dir, ['push', `${repo}:v1`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^Error: unauthorized: authentication required\\nhint: not logged in\\? run 'regctl login ${regs.htpasswd.host}'`));
  });

  it('records the pushed repository\'s digest: RepoDigests in inspect and images --digests, as docker does', async () => {
    const repo = `${regs.open.host}/pushtest/digests-${uniq()}`;
    const { dir, image } = await storeWith(`${repo}:v1`);
    const cfg = await configFor();
    expect((await cli(cfg, dir, ['inspect', '--format', '{{json .RepoDigests}}', `${repo}:v1`])).stdout.trim()).toBe('[]');
    expect((await cli(cfg, dir, ['push', `${repo}:v1`])).code).toBe(0);
    const inspect = await cli(cfg, dir, ['inspect', '--format', '{{json .RepoDigests}}', `${repo}:v1`]);
    expect(inspect.stdout.trim()).toBe(JSON.stringify([`${repo}@${image.digest}`]));
    const images = await cli(cfg, dir, ['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', repo]);
    expect(images.stdout.trim()).toBe(`${repo} v1 ${image.digest}`);
  });

  it('token mode: mounts with a token covering both repositories, and falls back to uploading without pull on the source', async () => {
    const host = regs.token.host;
    const src = `alice/src-${uniq()}`;
    const { dir, image } = await storeWith(`${host}/${src}:v1`);
    expect((await cli(await configFor([[host, 'alice']]), dir, ['push', `${host}/${src}:v1`])).code).toBe(0);
    const layers = image.manifests[0]!.layers;

    // bob: pull on every repository, push on bob/*: the mount works.
    const bobRepo = `bob/mounted-${uniq()}`;
    const mark = await tokenLogMark(inject('tokenServer').logUrl);
    const store = await LayoutStore.open(dir);
    await store.putImage(`${host}/${bobRepo}:v1`, { mediaType: image.mediaType, digest: image.digest, size: image.size });
    const bob = await cli(await configFor([[host, 'bob']]), dir, ['push', `${host}/${bobRepo}:v1`]);
    expect(bob.code, bob.stderr).toBe(0);
    expect(layerLines(bob.stdout).filter((l) => l.includes('Mounted from'))).toHaveLength(layers.length);
    const bobTokens = (await readTokenLog(inject('tokenServer').logUrl, mark)).filter((e) => e.account === 'bob');
    expect(bobTokens.some((e) => e.scopes.includes(`repository:${bobRepo}:pull,push`) && e.scopes.includes(`repository:${src}:pull`))).toBe(true);

    // carol: push and pull on carol/* only: the registry refuses the mount, the blobs are uploaded.
    const carolRepo = `carol/copy-${uniq()}`;
    await store.putImage(`${host}/${carolRepo}:v1`, { mediaType: image.mediaType, digest: image.digest, size: image.size });
    const carol = await cli(await configFor([[host, 'carol']]), dir, ['push', `${host}/${carolRepo}:v1`]);
    expect(carol.code, carol.stderr).toBe(0);
    expect(layerLines(carol.stdout).filter((l) => !l.endsWith('Preparing')).sort()).toEqual(layers.map((l) => `${pushId(l)}: Pushed`).sort());
    const carolTokens = (await readTokenLog(inject('tokenServer').logUrl, mark)).filter((e) => e.account === 'carol');
    expect(carolTokens.some((e) => e.scopes.includes(`repository:${src}:pull`))).toBe(true); // the mount was tried
    expect(await copiedDigest(`${host}/${carolRepo}:v1`, 'alice')).toBe(image.digest);
  });

  it('--chunk-size uploads in PATCH requests of that size; the digest matches', async () => {
    const repo = `${proxy.host}/pushtest/chunked-${uniq()}`;
    const { dir, image } = await storeWith(`${repo}:v1`, { layerSizes: [20_000, 9_000] });
    const mark = proxy.requests.length;
    const r = await cli(await configFor(), dir, ['push', '--chunk-size', '4096', `${repo}:v1`]);
    expect(r.code, r.stderr).toBe(0);
    const patches = proxy.requests.slice(mark).filter((q) => q.method === 'PATCH');
    const m = image.manifests[0]!;
    expect(patches).toHaveLength([m.configSize, ...m.layers.map((l) => l.size)].reduce((n, size) => n + Math.ceil(size / 4096), 0));
    expect(Math.max(...patches.map((p) => p.sent))).toBe(4096);
    expect(patches.every((p) => p.status === 202)).toBe(true);
    expect(await copiedDigest(`${regs.open.host}/${repo.slice(proxy.host.length + 1)}:v1`)).toBe(image.digest);
    const bad = await cli(await configFor(), dir, ['push', '--chunk-size', '4k', `${repo}:v1`]);
    expect(bad.code).toBe(2);
  });

  it('survives a connection cut mid-upload: distribution drops the session, the blob is sent again, the digest matches', async () => {
    // client -> cutting proxy (drops the connection once, 1.5 MB in) -> counting proxy -> registry
    const counter = await startCountingProxy(regs.open.url);
    const cut = await startCuttingProxy({ host: '127.0.0.1', port: Number(new URL(counter.url).port) }, { cutAfter: 1_500_000 });
    try {
      const repo = `pushtest/cut-${uniq()}`;
      const { dir, image } = await storeWith(`${cut.host}/${repo}:v1`, { layerSizes: [3 * 1024 * 1024] });
      const layer = image.manifests[0]!.layers[0]!;
      const r = await cli(await configFor(), dir, ['push', `${cut.host}/${repo}:v1`]);
      expect(r.code, r.stderr).toBe(0);
      expect(cut.cuts()).toBe(1);
      expect(layerLines(r.stdout)).toEqual([`${pushId(layer)}: Preparing`, `${pushId(layer)}: Retrying in 1 second`, `${pushId(layer)}: Pushed`]);
      // The client asked the upload URL for its Range; distribution 2.8 had already invalidated
      // the session (its signed _state no longer matches the bytes it kept), so the blob went again.
      const uploads = counter.requests.filter((q) => q.url.includes('/blobs/uploads/'));
      expect(uploads.some((q) => q.method === 'GET' && q.status === 404)).toBe(true);
      expect(uploads.filter((q) => q.method === 'PUT' && q.status === 201 && q.sent === layer.size)).toHaveLength(1);
      expect(await copiedDigest(`${regs.open.host}/${repo}:v1`)).toBe(image.digest);
    } finally {
      await cut.close();
      await counter.close();
    }
  });

  it('pushes a pulled --all-platforms image whole (children first), or one platform with --platform', async () => {
    const multi = seeded['demo/multi:v1']!;
    const cfg = await configFor();
    const dir = await newDir('store-');
    expect((await cli(cfg, dir, ['pull', '-q', '--all-platforms', `${regs.open.host}/demo/multi:v1`])).code).toBe(0);
    const whole = `${regs.open.host}/pushtest/multi-${uniq()}:v1`;
    expect((await cli(cfg, dir, ['tag', `${regs.open.host}/demo/multi:v1`, whole])).code).toBe(0);
    const r = await cli(cfg, dir, ['push', whole]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^v1: digest: ${multi.digest} size: \\d+$`));
    expect(sha256(await registryManifest(whole))).toBe(multi.digest);
    expect(await copiedDigest(whole, undefined, true)).toBe(multi.digest);

    const arm = multi.manifests.find((m) => m.platform.architecture === 'arm64')!;
    const one = `${regs.open.host}/pushtest/multi-arm-${uniq()}:v1`;
    expect((await cli(cfg, dir, ['tag', `${regs.open.host}/demo/multi:v1`, one])).code).toBe(0);
    const p = await cli(cfg, dir, ['push', '--platform', 'linux/arm64', one]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n').at(-1)).toBe(`v1: digest: ${arm.digest} size: ${arm.size}`);
    expect(sha256(await registryManifest(one))).toBe(arm.digest);
  });

  it('-a pushes every local tag of the repository; the second shows "Layer already exists"', async () => {
    const repo = `${regs.open.host}/pushtest/alltags-${uniq()}`;
    const { dir, image } = await storeWith(`${repo}:v1`);
    await (await LayoutStore.open(dir)).putImage(`${repo}:v2`, { mediaType: image.mediaType, digest: image.digest, size: image.size });
    const r = await cli(await configFor(), dir, ['push', '-a', repo]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`The push refers to repository [${repo}]`);
    expect(lines.filter((l) => l.includes(': digest: '))).toEqual([`v1: digest: ${image.digest} size: ${image.size}`, `v2: digest: ${image.digest} size: ${image.size}`]);
    const second = lines.slice(lines.findIndex((l) => l.startsWith('v1: digest:')) + 1);
    expect(second.filter((l) => l.endsWith('Layer already exists'))).toHaveLength(2);
    const tags = JSON.parse((await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`])).stdout) as { Tags: string[] };
    expect(tags.Tags.sort()).toEqual(['v1', 'v2']);
    expect((await cli(await configFor(), dir, ['push', '-a', `${repo}:v1`])).code).toBe(2);
  });

  it('tag + push: a busybox pulled from one registry goes to another (htpasswd, alice)', async () => {
    const busybox = seeded['library/busybox:latest']!;
    const cfg = await configFor([[regs.htpasswd.host, 'alice']]);
    const dir = await newDir('store-');
    expect((await cli(cfg, dir, ['pull', '-q', `${regs.open.host}/library/busybox`])).code).toBe(0);
    const target = `${regs.htpasswd.host}/tools/busybox-${uniq()}:1.0`;
    expect((await cli(cfg, dir, ['tag', `${regs.open.host}/library/busybox`, target])).code).toBe(0);
    const r = await cli(cfg, dir, ['push', target]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(': Pushed');
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`1.0: digest: ${busybox.digest} size: ${busybox.size}`);
    expect(await copiedDigest(target, 'alice')).toBe(busybox.digest);
  });

  it('says "Using default tag", reports a missing local image like docker (exit 4), and -q prints only the reference', async () => {
    const dir = await newDir('store-');
    const repo = `${regs.open.host}/pushtest/none-${uniq()}`;
    const missing = await cli(await configFor(), dir, ['push', repo]);
    expect(missing).toMatchObject({
      code: 4,
      stdout: `Using default tag: latest\nThe push refers to repository [${repo}]\n`,
      stderr: `Error: An image does not exist locally with the tag: ${repo}\n`,
    });
    const { dir: full } = await storeWith(`${repo}:latest`);
    const quiet = await cli(await configFor(), full, ['push', '-q', repo]);
    expect(quiet).toMatchObject({ code: 0, stdout: `${repo}:latest\n` });
  });
});
