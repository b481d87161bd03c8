// Concurrency and crashes with real processes: four `regctl pull` processes into one store at
// once, two `regctl login` processes into one config.json at once, and a loop of SIGKILLs at
// random points of pull, push, tag, rmi, login and load (three lanes sharing one store and one
// config dir). Afterwards the store is a valid OCI layout (validate({deep}) and skopeo reading
// every image it lists), config.json is valid JSON with nothing lost, and regctl recovers.
// RELIABILITY_KILLS=<n> (default 24) makes it a longer soak.
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { blobsHashRight, indexNames, startRegctl, storeProblems } from '../helpers/reliability.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { putGeneratedImage } from '../helpers/store-image.js';
import { transpilePackage, type TranspiledPackage } from '../helpers/transpiled-dist.js';
import { USERS } from '../helpers/users.js';

const available = inject('registriesAvailable');
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 24);

let tmp: string;
let pkg: TranspiledPackage;
let proxy: FaultProxy;
beforeAll(async () => {
  if (!available) return;
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-rel-conc-'));
  pkg = await transpilePackage();
  proxy = await startFaultProxy(inject('registries').open.url, () => ({ bytesPerSecond: 2 * 1024 * 1024 }));
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await pkg?.remove();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const regctl = (args: string[]) => startRegctl(pkg.binDir, args);

/** skopeo reads the image (manifest and config) from the layout. */
async function skopeoReads(store: string, name: string): Promise<void> {
  await run('skopeo', ['inspect', `oci:${store}:${name}`], { timeoutMs: 20_000 });
}

describe.skipIf(!available)('reliability: concurrency and crashes', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  it('4 processes pulling overlapping images into one store all succeed; each reference is indexed once', async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    const hello = `${regs.open.host}/demo/hello:v1`;
    const refs = [hello, hello, `${regs.open.host}/demo/hello@${seeded['demo/hello:v1']!.digest}`, `${regs.open.host}/demo/multi:v1`];
    const results = await Promise.all(refs.map((ref) => regctl(['--config', tmp, '--store', store, 'pull', '-q', ref]).exit));
    expect(results.map((r) => [r.code, r.stderr])).toEqual(refs.map(() => [0, '']));
    expect((await indexNames(store)).sort()).toEqual([...new Set(refs)].sort());
    expect(await blobsHashRight(store)).toEqual([]);
    expect(await storeProblems(store)).toEqual([]);
    for (const name of new Set(refs)) await skopeoReads(store, name);
  }, 60_000);

  it('two processes logging in to two registries at once: both credentials are stored', async () => {
    const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
    await writeFile(path.join(cfg, 'config.json'), JSON.stringify({ auths: { 'keep.example.com': { auth: 'a2VlcDprZWVw' } } }));
    const hosts = [regs.htpasswd.host, regs.token.host];
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(hosts.map((h) => regctl(['--config', cfg, 'login', '-u', 'alice', '-p', USERS.alice.password, h]).exit));
      expect(results.map((r) => r.code), results.map((r) => r.stderr).join('')).toEqual([0, 0]);
      const auths = (JSON.parse(await readFile(path.join(cfg, 'config.json'), 'utf8')) as { auths: Record<string, unknown> }).auths;
      expect(Object.keys(auths).sort()).toEqual(['keep.example.com', ...hosts].sort());
      await Promise.all(hosts.map((h) => regctl(['--config', cfg, 'logout', h]).exit));
    }
  }, 60_000);

  it(`survives ${KILLS} SIGKILLs at random points of pull, push, tag, rmi, login and load`, async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
    const keep = { auths: { 'keep.example.com': { auth: 'a2VlcDprZWVw' } }, psFormat: 'table {{.ID}}' };
    await writeFile(path.join(cfg, 'config.json'), JSON.stringify(keep));
    const g = (...a: string[]) => ['--config', cfg, '--store', store, ...a];

    // A 1 MiB layer behind a throttled proxy, so that pulls and pushes of it take ~0.5 s.
    const big = `${proxy.host}/reliability/kill-big:v1`;
    const src = await mkdtemp(path.join(tmp, 'src-'));
    await putGeneratedImage(await LayoutStore.open(src), big, { layerSizes: [1024 * 1024] });
    expect((await runCli(['--config', cfg, '--store', src, 'push', '-q', big])).code).toBe(0);
    const small = [`${regs.open.host}/demo/hello:v1`, `${regs.open.host}/demo/multi:v1`, `${regs.open.host}/public/hello:v1`];
    for (const ref of [big, small[0]!]) expect((await runCli(g('pull', '-q', ref))).code).toBe(0);
    const archive = path.join(tmp, 'kill.tar');
    const saved = await runCli(g('save', '-o', archive, small[0]!));
    const loadWorks = saved.code === 0 && (await runCli(g('load', '-q', '-i', archive))).code === 0;

    let n = 0;
    const ops: Record<string, () => string[]> = {
      'pull-big': () => g('pull', '-q', big),
      'pull-small': () => g('pull', '-q', small[randomInt(small.length)]!),
      push: () => g('push', '-q', big),
      tag: () => g('tag', small[0]!, `${regs.open.host}/killloop/t${n++}:v1`),
      'rmi-tags': () => g('rmi', '-f', ...Array.from({ length: 3 }, () => `${regs.open.host}/killloop/t${randomInt(Math.max(1, n))}:v1`)),
      'rmi-big': () => g('rmi', big),
      login: () => ['--config', cfg, 'login', '-u', 'alice', '-p', USERS.alice.password, regs.htpasswd.host],
      ...(loadWorks ? { load: () => g('load', '-q', '-i', archive) } : {}),
    };
    const names = Object.keys(ops);
    // How long each operation runs when left alone: kills are then spread over its whole life
    // (start-up included), not bunched at start-up.
    const duration = new Map<string, number>();
    for (const op of names) duration.set(op, (await regctl(ops[op]!()).exit).ms);
    let killed = 0;
    let finished = 0;
    const tried = new Map<string, number>();
    // Each lane runs until its share of kills landed on a live process (bounded, in case runs get very fast).
    const lane = async (count: number) => {
      for (let mine = 0, i = 0; mine < count && i < count * 5; i++) {
        const op = names[randomInt(names.length)]!;
        tried.set(op, (tried.get(op) ?? 0) + 1);
        const child = regctl(ops[op]!());
        // Node's start-up is the first ~40% of a run: most kills land in the operation itself.
        const d = duration.get(op)!;
        await new Promise((r) => setTimeout(r, randomInt(Math.round(d * 0.3), Math.max(Math.round(d * 0.3) + 1, Math.round(d * 0.98)))));
        child.process.kill('SIGKILL');
        const r = await child.exit;
        if (r.signal === 'SIGKILL') (killed++, mine++);
        else finished++;
      }
    };
    const started = performance.now();
    await Promise.all([lane(Math.ceil(KILLS / 3)), lane(Math.ceil(KILLS / 3)), lane(KILLS - 2 * Math.ceil(KILLS / 3))]);
    const ms = performance.now() - started;
    console.log(`[reliability] ${killed} kills landed on a live process, ${finished} runs finished first, ${Math.round(ms)} ms; ops tried: ${JSON.stringify(Object.fromEntries(tried))}; unkilled run times (ms): ${JSON.stringify(Object.fromEntries([...duration].map(([k, v]) => [k, Math.round(v)])))}${loadWorks ? '' : ' (load skipped: save/load did not work in this tree)'}`);
    expect(killed).toBeGreaterThanOrEqual(20);

    // The store: valid, every listed image readable by skopeo, every blob hashing to its name.
    expect(await storeProblems(store)).toEqual([]);
    expect(await blobsHashRight(store)).toEqual([]);
    for (const name of await indexNames(store)) await skopeoReads(store, name);
    // config.json: valid JSON, nothing lost.
    const config = JSON.parse(await readFile(path.join(cfg, 'config.json'), 'utf8')) as typeof keep;
    expect(config.psFormat).toBe(keep.psFormat);
    expect(config.auths['keep.example.com']).toEqual(keep.auths['keep.example.com']);

    // And regctl carries on: the big image pulls (resuming any partial) and pushes.
    for (const args of [g('pull', '-q', big), g('push', '-q', big), g('tag', small[0]!, `${regs.open.host}/killloop/after:v1`)]) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(await storeProblems(store)).toEqual([]);
  }, 120_000);
});
