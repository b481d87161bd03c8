// `regctl copy` between real registries: open -> token (alice) and back, single and
// multi-platform (digests identical, every child copied), -a, and a same-registry copy that
// mounts every blob (seen at the wire: POST ?mount=, no blob bytes either way).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { putGeneratedImage, pushId } from '../helpers/store-image.js';
import { USERS } from '../helpers/users.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const uniq = () => randomBytes(4).toString('hex');

let tmp: string;
let cfg: string;
let proxy: CountingProxy;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-copy-'));
  cfg = path.join(tmp, 'cfg');
  if (!available) return;
  proxy = await startCountingProxy(inject('registries').open.url);
  const token = inject('registries').token.host;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(cfg);
  await writeFile(path.join(cfg, 'config.json'), JSON.stringify({ auths: { [token]: { auth: Buffer.from(`alice:${USERS.alice.password}`).toString('base64') } } }));
});
afterAll(async () => {
  await proxy?.close();
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['--config', cfg, '--store', path.join(tmp, 'unused-store'), ...args]);
async function raw(ref: string, creds = false): Promise<string> {
  return (await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', `alice:${USERS.alice.password}`] : ['--no-creds']), `docker://${ref}`])).stdout;
}
const layerLines = (stdout: string) => stdout.split('\n').filter((l) => /^[0-9a-f]{12}: /.test(l) && !l.endsWith('Preparing') && !l.endsWith('Waiting'));

describe.skipIf(!available)('regctl copy', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  it('open -> token (alice): single-platform, docker push output, same digest, no store touched', async () => {
    const hello = seeded['demo/hello:v1']!;
    const dst = `${regs.token.host}/copytest/hello-${uniq()}`;
    const r = await cli(['copy', `${regs.open.host}/demo/hello:v1`, dst]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`The push refers to repository [${dst}]`);
    expect(layerLines(r.stdout).length).toBe(hello.manifests[0]!.layerDigests.length);
    expect(layerLines(r.stdout).every((l) => l.endsWith(': Pushed'))).toBe(true);
    expect(lines.at(-1)).toBe(`v1: digest: ${hello.digest} size: ${hello.size}`);
    expect(sha256(await raw(`${dst}:v1`, true))).toBe(hello.digest);
    // The store was never created: blobs went registry to registry.
    expect(existsSync(path.join(tmp, 'unused-store'))).toBe(false);

    const again = await cli(['copy', `${regs.open.host}/demo/hello:v1`, `${dst}:v1`]);
    expect(layerLines(again.stdout).every((l) => l.endsWith(': Layer already exists'))).toBe(true);
  });

  it('token -> open: a multi-platform index copied whole, children first, every digest kept', async () => {
    const multi = seeded['demo/multi:v1']!;
    const dst = `${regs.open.host}/copytest/multi-${uniq()}:v1`;
    const r = await cli(['copy', `${regs.token.host}/demo/multi:v1`, dst]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`v1: digest: ${multi.digest} size: ${multi.size}`);
    expect(sha256(await raw(dst))).toBe(multi.digest);
    for (const m of multi.manifests) expect(sha256(await raw(dst.replace(/:v1$/, `@${m.digest}`)))).toBe(m.digest);
  });

  it('-a copies every tag of a repository', async () => {
    const store = await LayoutStore.open(path.join(tmp, `gen-${uniq()}`));
    const srcRepo = `${regs.open.host}/copytest/all-${uniq()}`;
    const one = await putGeneratedImage(store, `${srcRepo}:one`);
    const two = await putGeneratedImage(store, `${srcRepo}:two`);
    for (const tag of ['one', 'two']) expect((await runCli(['--config', cfg, '--store', store.dir, 'push', `${srcRepo}:${tag}`])).code).toBe(0);
    const dst = `${regs.token.host}/copytest/all-${uniq()}`;
    const r = await cli(['copy', '-a', srcRepo, dst]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`one: digest: ${one.digest} size: ${one.size}`);
    expect(r.stdout).toContain(`two: digest: ${two.digest} size: ${two.size}`);
    expect(sha256(await raw(`${dst}:one`, true))).toBe(one.digest);
    expect(sha256(await raw(`${dst}:two`, true))).toBe(two.digest);
    const bad = await cli(['copy', '-a', `${srcRepo}:one`, dst]);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, "Error: tag can't be used with --all-tags/-a"]);
  });

  it('same registry: every blob mounted from the source repository, no blob bytes moved', async () => {
    const store = await LayoutStore.open(path.join(tmp, `gen-${uniq()}`));
    const srcRepo = `${proxy.host}/copytest/mountsrc-${uniq()}`;
    const image = await putGeneratedImage(store, `${srcRepo}:v1`, { layerSizes: [50_000, 80_000] });
    expect((await runCli(['--config', cfg, '--store', store.dir, 'push', `${srcRepo}:v1`])).code).toBe(0);
    const mark = proxy.requests.length;
    const dst = `${proxy.host}/copytest/mountdst-${uniq()}:v1`;
    const r = await cli(['copy', `${srcRepo}:v1`, dst]);
    expect(r.code, r.stderr).toBe(0);
    const from = srcRepo.slice(proxy.host.length + 1);
    expect(layerLines(r.stdout).sort()).toEqual(image.manifests[0]!.layers.map((l) => `${pushId(l)}: Mounted from ${from}`).sort());
    const seen = proxy.requests.slice(mark);
    const posts = seen.filter((q) => q.method === 'POST');
    expect(posts).toHaveLength(3); // config and two layers
    expect(posts.every((q) => q.url.includes('?mount=sha256%3A') && q.url.includes(`&from=${encodeURIComponent(from)}`) && q.status === 201)).toBe(true);
    const blobBodies = seen.filter((q) => q.url.includes('/blobs/') && (q.method === 'PUT' || q.method === 'PATCH' || (q.method === 'GET' && q.bytes > 0)));
    // Only the config is read (small, for the layer IDs); no layer bytes are read or sent.
    expect(blobBodies.map((q) => `${q.method} ${q.url.split('/blobs/')[1]}`)).toEqual([`GET ${image.manifests[0]!.configDigest}`]);
    expect(sha256(await raw(`${regs.open.host}/${dst.slice(proxy.host.length + 1)}`))).toBe(image.digest);
  });

  it('a missing source tag fails with the registry error, exit 4', async () => {
    const r = await cli(['copy', `${regs.open.host}/demo/hello:nope`, `${regs.open.host}/copytest/none:v1`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/manifest unknown/);
  });
});
