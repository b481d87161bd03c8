// Resume and interruption, with faults injected at the wire (a proxy that cuts or throttles the
// blob stream) and in the process (SIGKILL / SIGINT of a real `node bin/regctl.js pull`):
// a dropped stream is retried from the partial's length within the run, a killed run is
// continued by the next one, Ctrl-C stops promptly with exit 130, and the store stays valid.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { startFaultProxy, type BlobFault, type FaultProxy } from '../helpers/fault-proxy.js';
import { indexNames, partialPath, sha256, startRegctl, storeProblems, waitForPartial } from '../helpers/reliability.js';
import { runCli } from '../helpers/run-cli.js';
import { putGeneratedImage, type GeneratedImage } from '../helpers/store-image.js';
import { transpilePackage, type TranspiledPackage } from '../helpers/transpiled-dist.js';

const available = inject('registriesAvailable');
const LAYER = 3 * 1024 * 1024;

let tmp: string;
let pkg: TranspiledPackage;
let image: GeneratedImage;
let repo: string;
let cfg: string;
/** Faults per test: set `fault` before a pull, the proxy asks it for every blob GET. */
let fault: (req: { url: string; n: number }) => BlobFault | undefined = () => undefined;
let proxy: FaultProxy;

beforeAll(async () => {
  if (!available) return;
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-rel-resume-'));
  cfg = await mkdtemp(path.join(tmp, 'cfg-'));
  const open = inject('registries').open;
  repo = `reliability/resume-${randomBytes(4).toString('hex')}`;
  const src = await mkdtemp(path.join(tmp, 'src-'));
  image = await putGeneratedImage(await LayoutStore.open(src), `${open.host}/${repo}:v1`, { layerSizes: [LAYER] });
  const pushed = await runCli(['--config', cfg, '--store', src, 'push', '-q', `${open.host}/${repo}:v1`]);
  expect(pushed.code, pushed.stderr).toBe(0);
  proxy = await startFaultProxy(open.url, (req) => fault(req));
  pkg = await transpilePackage();
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await pkg?.remove();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const layer = () => image.manifests[0]!.layers[0]!;
const isLayer = (url: string) => url.endsWith(layer().digest);
const short = () => layer().digest.slice(7, 19);
const ref = () => `${proxy.host}/${repo}:v1`;
const open = () => inject('registries').open.host;
const newStore = () => mkdtemp(path.join(tmp, 'store-'));
const layerGets = () => proxy.blobGets().filter((r) => isLayer(r.url));

beforeEach(() => proxy?.resetCounts());

async function expectPulled(store: string): Promise<void> {
  expect(sha256(await readFile(path.join(store, 'blobs', 'sha256', layer().digest.slice(7))))).toBe(layer().digest);
  expect(await indexNames(store)).toEqual([ref()]);
  expect(await storeProblems(store)).toEqual([]);
}

describe.skipIf(!available)('reliability: resume and interruption', () => {
  it('a stream dropped mid-layer is retried with Range: bytes=N- and shows docker\'s "Retrying in N seconds"', async () => {
    const store = await newStore();
    const before = layerGets().length;
    fault = ({ url, n }) => (isLayer(url) && n === 1 ? { cutAfter: 1024 * 1024 } : undefined);
    const r = await runCli(['--config', cfg, '--store', store, 'pull', ref()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${short()}: Retrying in 1 second\n`);
    expect(r.stdout).toContain(`${short()}: Pull complete\n`);
    const gets = layerGets().slice(before);
    expect(gets.map((g) => g.status)).toEqual([200, 206]);
    const from = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(1024 * 1024);
    // Only the rest crossed the wire the second time.
    expect(gets[1]!.bytes).toBe(layer().size - from);
    await expectPulled(store);
  });

  it('a registry that ignores Range gets the blob restarted cleanly', async () => {
    const store = await newStore();
    const before = layerGets().length;
    fault = ({ url, n }) => (!isLayer(url) ? undefined : n === 1 ? { cutAfter: 700_000 } : { stripRange: true });
    const r = await runCli(['--config', cfg, '--store', store, 'pull', ref()]);
    expect(r.code, r.stderr).toBe(0);
    const gets = layerGets().slice(before);
    expect(gets.map((g) => g.status)).toEqual([200, 200]);
    expect(gets[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(gets[1]!.bytes).toBe(layer().size);
    await expectPulled(store);
  });

  it('retries are bounded: a stream cut every time fails with one line, nothing indexed, the store valid', async () => {
    const store = await newStore();
    const before = layerGets().length;
    fault = ({ url }) => (isLayer(url) ? { cutAfter: 100_000 } : undefined);
    const r = await runCli(['--config', cfg, '--store', store, 'pull', ref()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: /);
    expect(layerGets().length - before).toBe(5);
    expect(r.stdout.match(/Retrying in \d+ seconds?/g)).toHaveLength(4);
    expect(await indexNames(store)).toEqual([]);
    expect(await storeProblems(store)).toEqual([]);
    // What was received is kept for the next run, outside blobs/.
    expect((await stat(partialPath(store, layer().digest))).size).toBeGreaterThan(0);
  }, 30_000);

  it('a pull killed (SIGKILL) mid-layer is resumed by the next run from the partial\'s length', async () => {
    const store = await newStore();
    const before = layerGets().length;
    fault = ({ url, n }) => (isLayer(url) && n === 1 ? { bytesPerSecond: 512 * 1024 } : undefined);
    const child = startRegctl(pkg.binDir, ['--config', cfg, '--store', store, 'pull', ref()]);
    const kept = await waitForPartial(store, layer().digest, 256 * 1024);
    child.process.kill('SIGKILL');
    const killed = await child.exit;
    expect(killed.signal).toBe('SIGKILL');
    const partial = (await stat(partialPath(store, layer().digest))).size;
    expect(partial).toBeGreaterThanOrEqual(kept);
    expect(partial).toBeLessThan(layer().size);
    expect(await storeProblems(store)).toEqual([]);

    fault = () => undefined;
    const r = await runCli(['--config', cfg, '--store', store, 'pull', ref()]);
    expect(r.code, r.stderr).toBe(0);
    const resumed = layerGets().slice(before)[1]!;
    expect(resumed).toMatchObject({ range: `bytes=${partial}-`, status: 206, bytes: layer().size - partial });
    await expectPulled(store);
  }, 30_000);

  // CI runners stop jobs with SIGTERM and closing terminals send SIGHUP: both clean up like Ctrl-C.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops a pull within 2 s, prints Interrupted, exits %i, releases its pins and claims and leaves the store valid', async (signal, code) => {
    const store = await newStore();
    fault = ({ url }) => (isLayer(url) ? { bytesPerSecond: 256 * 1024 } : undefined);
    const child = startRegctl(pkg.binDir, ['--config', cfg, '--store', store, 'pull', ref()]);
    await waitForPartial(store, layer().digest, 64 * 1024);
    const sent = performance.now();
    child.process.kill(signal);
    const r = await child.exit;
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe('Interrupted\n');
    expect(await indexNames(store)).toEqual([]);
    expect(await storeProblems(store)).toEqual([]);
    // The partial stays for the next run; the pins and the claim on it do not.
    expect(await readdir(path.join(store, '.regctl', 'pins')).catch(() => [])).toEqual([]);
    expect((await readdir(path.join(store, '.regctl', 'staging'))).filter((f) => f.endsWith('.claim'))).toEqual([]);
  }, 30_000);

  it('`regctl prune` removes the partial of a killed pull and unreferenced blobs, keeping every image', async () => {
    const store = await newStore();
    fault = ({ url }) => (isLayer(url) ? { bytesPerSecond: 512 * 1024 } : undefined);
    const child = startRegctl(pkg.binDir, ['--config', cfg, '--store', store, 'pull', ref()]);
    await waitForPartial(store, layer().digest, 64 * 1024);
    child.process.kill('SIGKILL');
    await child.exit;
    // An unreferenced blob too: the config the killed pull may have stored, plus one of ours.
    const s = await LayoutStore.open(store);
    const orphan = Buffer.from('an orphan blob');
    await s.writeBlobBytes(sha256(orphan), orphan);
    await s.releasePins();
    fault = () => undefined;
    const kept = `${open()}/${repo}:v1`;
    expect((await runCli(['--config', cfg, '--store', store, 'pull', '-q', kept])).code).toBe(0);

    const r = await runCli(['--config', cfg, '--store', store, 'prune']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`deleted: ${sha256(orphan)}\n`);
    expect(r.stdout).toMatch(/^Total reclaimed space: .+$/m);
    await expect(stat(partialPath(store, layer().digest))).rejects.toThrow();
    expect(await indexNames(store)).toEqual([kept]);
    expect(await storeProblems(store)).toEqual([]);
  }, 30_000);
});
