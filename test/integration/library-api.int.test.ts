// The library as its users see it: the examples/ scripts run with node against the open registry,
// importing 'regctl-cli' by name from a transpiled copy of the current sources; the client
// object's remote and local operations; cancellation through AbortSignal.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { isRegctlError } from '../../src/errors.js';
import { digestOf } from '../../src/oci/digest.js';
import type { TransferEvent } from '../../src/ops/transfer.js';
import { runUnchecked } from '../helpers/run-process.js';
import { transpilePackage, type TranspiledPackage } from '../helpers/transpiled-dist.js';

const available = inject('registriesAvailable');
const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');
let pkg: TranspiledPackage;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-library-'));
  pkg = await transpilePackage();
  // The examples, verbatim, inside the package: `import 'regctl-cli'` resolves through its exports map.
  await fs.cp(EXAMPLES, path.join(pkg.root, 'examples'), { recursive: true });
}, 60_000);

afterAll(async () => {
  await pkg?.remove();
  await fs.rm(dir, { recursive: true, force: true });
});

function runExample(name: string, env: NodeJS.ProcessEnv) {
  const home = path.join(dir, 'home');
  return runUnchecked(process.execPath, [path.join(pkg.root, 'examples', name)], {
    env: { PATH: process.env.PATH, HOME: home, DOCKER_CONFIG: path.join(home, '.docker'), ...env },
    timeoutMs: 60_000,
  });
}

const host = () => inject('registries').open.host;
const seeded = () => inject('seeded')['demo/hello:v1']!;
const uniqueRepo = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}`;

describe.skipIf(!available)('examples/', () => {
  it('every example in examples/ is run by this file', async () => {
    expect((await fs.readdir(EXAMPLES)).filter((f) => f.endsWith('.mjs')).sort()).toEqual([
      'copy-between-repositories.mjs',
      'pull-and-list-tags.mjs',
      'push-with-progress.mjs',
    ]);
  });

  it('pull-and-list-tags.mjs pulls into its store and lists the tags', async () => {
    const store = path.join(dir, 'example-store-1');
    const r = await runExample('pull-and-list-tags.mjs', { REGISTRY: host(), IMAGE: 'demo/hello:v1', STORE: store });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Digest: ${seeded().digest}`);
    expect(r.stdout).toContain(`Tags of ${host()}/demo/hello: v1`);
    expect(r.stdout).toMatch(/: Pull complete/);
    expect(await fs.readFile(path.join(store, 'index.json'), 'utf8')).toContain(seeded().digest);
  });

  it('push-with-progress.mjs pushes under another repository, mounting the layers', async () => {
    const target = `${uniqueRepo('examples/pushed')}:v1`;
    const r = await runExample('push-with-progress.mjs', { REGISTRY: host(), SOURCE: 'demo/hello:v1', TARGET: target, STORE: path.join(dir, 'example-store-2') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`The push refers to repository [${host()}/${target.split(':')[0]}]`);
    expect(r.stdout).toMatch(/: Mounted from demo\/hello/);
    expect(r.stdout).toContain(`v1: digest: ${seeded().digest}`);
  });

  it('copy-between-repositories.mjs copies blob by blob and keeps the digest', async () => {
    const target = `${host()}/${uniqueRepo('examples/copied')}:v1`;
    const r = await runExample('copy-between-repositories.mjs', { SOURCE: `${host()}/demo/hello:v1`, TARGET: target });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mounted from demo\/hello/);
    expect(r.stdout).toContain(`${target}: digest: ${seeded().digest}`);
  });
});

describe.skipIf(!available)('RegistryClient', () => {
  let client: RegistryClient;
  beforeAll(() => {
    client = new RegistryClient({ storeDir: path.join(dir, 'client-store'), credentials: false });
  });
  afterAll(() => client?.close());

  it('pulls with neutral progress events, lists the image, tags and pushes it, mounting its layers', async () => {
    const pullEvents: TransferEvent[] = [];
    const pulled = await client.pull(`${host()}/demo/hello:v1`, { onProgress: (e) => pullEvents.push(e) });
    expect(pulled.digest).toBe(seeded().digest);
    expect(pullEvents[0]).toEqual({ type: 'start', source: `${host()}/demo/hello:v1`, destination: `${host()}/demo/hello:v1` });
    expect(pullEvents.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(pullEvents.find((e) => e.type === 'resolved')).toMatchObject({ digest: seeded().digest });
    const layers = seeded().manifests[0]!.layerDigests;
    const fetched = pullEvents.flatMap((e) => (e.type === 'blob' && e.state === 'done' && e.layerId !== undefined ? [e.digest] : []));
    expect(fetched.sort()).toEqual([...layers].sort());
    expect(pullEvents.at(-1)).toMatchObject({ type: 'done', digest: seeded().digest, unchanged: false });
    const again: TransferEvent[] = [];
    await client.pull(`${host()}/demo/hello:v1`, { onProgress: (e) => again.push(e) });
    expect(again.at(-1)).toMatchObject({ type: 'done', digest: seeded().digest, unchanged: true });
    expect((await client.images()).map((i) => i.name)).toContain(`${host()}/demo/hello:v1`);

    const target = `${host()}/${uniqueRepo('client/pushed')}:v2`;
    await client.tag(`${host()}/demo/hello:v1`, target);
    const pushEvents: TransferEvent[] = [];
    const pushed = await client.push(target, { onProgress: (e) => pushEvents.push(e) });
    expect(pushed).toMatchObject({ digest: seeded().digest, tag: 'v2' });
    expect(pushEvents[0]).toMatchObject({ type: 'start', destination: target });
    expect(pushEvents.filter((e) => e.type === 'blob' && e.state === 'mounted' && e.from === 'demo/hello').length).toBeGreaterThan(0);
    expect(pushEvents.at(-1)).toMatchObject({ type: 'done', digest: seeded().digest });
    expect(await client.listTags(target.slice(0, target.lastIndexOf(':')))).toEqual(['v2']);
    expect(await client.listTags(RegistryClient.parseReference(target))).toEqual(['v2']);
    expect((await client.removeImage(target)).untagged).toContain(target);
  });

  it('gets, heads and puts manifests; heads, mounts, gets and puts blobs', async () => {
    const repo = `${host()}/${uniqueRepo('client/blobs')}`;
    const m = await client.getManifest(`${host()}/demo/hello:v1`);
    expect(m.digest).toBe(seeded().digest);
    expect((await client.headManifest(`${host()}/demo/hello:v1`)).digest).toBe(seeded().digest);

    const config = seeded().manifests[0]!.configDigest;
    expect(await client.headBlob(repo, config)).toBe(false);
    expect(await client.mountBlob(repo, config, 'demo/hello')).toBe(true);
    expect(await client.headBlob(repo, config)).toBe(true);
    expect(digestOf(await client.getBlob(repo, config))).toBe(config);

    const bytes = Buffer.from(`library test blob ${Date.now()}`);
    expect(await client.putBlob(repo, bytes, { digest: digestOf(bytes) })).toMatchObject({ kind: 'uploaded' });
    expect(await client.putBlob(repo, bytes, { digest: digestOf(bytes) })).toEqual({ kind: 'exists' });
    const chunks: Uint8Array[] = [];
    for await (const chunk of await client.openBlob(repo, digestOf(bytes))) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(bytes);

    for (const layer of seeded().manifests[0]!.layerDigests) await client.mountBlob(repo, layer, 'demo/hello');
    const put = await client.putManifest(`${repo}:copied`, m.bytes, m.mediaType);
    expect(put.digest).toBe(seeded().digest);
    expect(await client.catalog(host())).toContain(repo.slice(host().length + 1));
  });

  it('copies registry to registry, and saves and loads through the store', async () => {
    const target = `${host()}/${uniqueRepo('client/copied')}:multi`;
    const events: TransferEvent[] = [];
    const copied = await client.copy(`${host()}/demo/multi:v1`, target, { onProgress: (e) => events.push(e) });
    expect(copied.digest).toBe(inject('seeded')['demo/multi:v1']!.digest);
    expect(events[0]).toEqual({ type: 'start', source: `${host()}/demo/multi:v1`, destination: target });
    expect(events.at(-1)).toMatchObject({ type: 'done', digest: copied.digest });

    await client.pull(`${host()}/demo/hello:v1`);
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk), done()) });
    await client.save([`${host()}/demo/hello:v1`], sink);
    const other = new RegistryClient({ storeDir: path.join(dir, 'client-store-loaded'), credentials: false });
    try {
      const loaded = await other.load(Readable.from([Buffer.concat(chunks)]));
      expect(loaded.map((l) => l.name)).toEqual([`${host()}/demo/hello:v1`]);
      expect((await other.images()).map((i) => i.name)).toEqual([`${host()}/demo/hello:v1`]);
      const file = path.join(dir, 'saved.tar');
      await client.saveToFile([`${host()}/demo/hello:v1`], file);
      expect(await fs.readFile(file)).toEqual(Buffer.concat(chunks));
    } finally {
      await other.close();
    }
  });

  it('searches a registry without a search API through its catalog', async () => {
    const found = await client.search(`${host()}/demo/hel`);
    expect(found.source).toBe('catalog');
    expect(found.results.map((r) => r.name)).toContain(`${host()}/demo/hello`);
  });

  it('rejects with a coded error, never printing: not found, and an aborted signal', async () => {
    const missing = await client.getManifest(`${host()}/demo/hello:no-such-tag`).catch((e: unknown) => e);
    expect(isRegctlError(missing) && missing.code).toBe('REGCTL_NOT_FOUND');
    const controller = new AbortController();
    controller.abort();
    const aborted = await client.pull(`${host()}/demo/multi:v1`, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isRegctlError(aborted) && aborted.code).toBe('REGCTL_ABORTED');
    // Aborted in flight, once the manifest is resolved and the blobs are about to stream.
    const midway = new AbortController();
    const interrupted = await client
      .pull(`${host()}/demo/multi:v1`, { allPlatforms: true, signal: midway.signal, onProgress: (e) => e.type === 'resolved' && midway.abort() })
      .catch((e: unknown) => e);
    expect(isRegctlError(interrupted) && interrupted.code).toBe('REGCTL_ABORTED');
    const tokenAbort = await client.bearerToken(`${inject('registries').token.host}/demo/hello`, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isRegctlError(tokenAbort) && tokenAbort.code).toBe('REGCTL_ABORTED');
  });
});
