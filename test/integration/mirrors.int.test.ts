// Pull mirrors end to end: a real distribution pull-through cache (proxy.remoteurl -> the open
// registry, which holds library/busybox) as the Docker Hub mirror, so `regctl pull busybox`
// never reaches Docker Hub (unreachable here: the down-mirror test shows both endpoints tried);
// per-registry mirrors from registries.json (https marked insecure -> plain HTTP) and from
// --registry-mirror REGISTRY=URL; fallback past a dead mirror and past one that lacks the
// content; a lying mirror caught by the digest check; a mirror URL with a path refused.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process.js';
import { startRegistryServer } from '../../src/registry-server/server.js';
import { runCli } from '../helpers/run-cli.js';
import { run } from '../helpers/run-process.js';

const available = inject('registriesAvailable');
let tmp: string;
let mirror: RunningRegistry | undefined;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-mirrors-'));
  // The upstream (open registry) is up before the mirror starts, or distribution panics.
  if (available) mirror = await startRegistry({ mode: 'mirror', upstream: { url: inject('registries').open.url }, parentDir: tmp });
}, 30_000);
afterAll(async () => {
  await mirror?.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** A CLI run with its own store and config, and no daemon.json / registries.json unless given. */
async function cli(args: string[], files: { daemon?: unknown; registries?: unknown } = {}) {
  const dir = await mkdtemp(path.join(tmp, 'run-'));
  const env: NodeJS.ProcessEnv = {
    REGCTL_DAEMON_JSON: path.join(dir, 'daemon.json'),
    REGCTL_REGISTRIES_JSON: path.join(dir, 'registries.json'),
  };
  if (files.daemon) await writeFile(env.REGCTL_DAEMON_JSON!, JSON.stringify(files.daemon));
  if (files.registries) await writeFile(env.REGCTL_REGISTRIES_JSON!, JSON.stringify(files.registries));
  const store = path.join(dir, 'store');
  const run = await runCli(['--config', dir, '--store', store, ...args], { env });
  return { ...run, store };
}

async function storedNames(store: string): Promise<Record<string, string>> {
  const index = JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  return Object.fromEntries(index.manifests.map((m) => [m.annotations?.['org.opencontainers.image.ref.name'] ?? '', m.annotations?.['dev.regctl.resolved-digest'] ?? m.digest]));
}

/** A closed port: bind, read the port, close. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe.skipIf(!available)('registry mirrors', () => {
  const regs = inject('registries');
  const busybox = inject('seeded')['library/busybox:latest']!;

  it('pulls the bare name busybox through a pull-through cache given with --registry-mirror (after the command name)', async () => {
    const r = await cli(['pull', 'busybox', '--registry-mirror', mirror!.url]);
    expect(r.stderr).toBe(`Pulled from mirror ${mirror!.url}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('docker.io/library/busybox:latest');
    expect(r.stdout).toContain(`Digest: ${busybox.digest}`);
    expect((await storedNames(r.store))['docker.io/library/busybox:latest']).toBe(busybox.digest);
    // The cache really fetched it from its upstream: it lists the repository now.
    const catalog = await runCli(['catalog', mirror!.host]);
    expect(catalog.stdout.split('\n')).toContain('library/busybox');
  });

  it('reads registry-mirrors from daemon.json; --progress json reports the source as an event', async () => {
    const r = await cli(['pull', '--progress', 'json', 'busybox'], { daemon: { 'registry-mirrors': [mirror!.url] } });
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string });
    const source = events.find((e) => e.type === 'source') as unknown as { servedBy: { endpoint: string; mirror: boolean }[]; skipped: unknown[] };
    expect(source.servedBy).toEqual([{ endpoint: mirror!.url, mirror: true, reads: expect.any(Number) }]);
    expect(source.skipped).toEqual([]);
    expect(r.stderr).toBe('');
  });

  it('with the mirror down, falls back to Docker Hub and the error lists every endpoint tried', async () => {
    const down = await deadUrl();
    const r = await cli(['--registry-mirror', down, 'pull', 'busybox']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`every endpoint failed: ${down} (`);
    expect(r.stderr).toMatch(/; registry-1\.docker\.io \(/);
    expect(r.stderr).toContain('hint: mirrors come from --registry-mirror');
  });

  it('skips a dead first mirror for the second, and says so', async () => {
    const down = await deadUrl();
    const r = await cli(['--registry-mirror', down, '--registry-mirror', mirror!.url, 'pull', 'busybox']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^Pulled from mirror ${mirror!.url} \\(skipped ${down}: .*ECONNREFUSED.*\\)\\n$`));
  });

  it('mirrors any registry from registries.json (a loopback https:// mirror may fall back to HTTP, as docker allows)', async () => {
    const httpsUrl = mirror!.url.replace('http://', 'https://');
    const r = await cli(['pull', 'quay.io/library/busybox'], { registries: { mirrors: { 'quay.io': [httpsUrl] } } });
    expect(r.stderr).toBe(`Pulled from mirror ${httpsUrl}\n`);
    expect(r.code).toBe(0);
    expect((await storedNames(r.store))['quay.io/library/busybox:latest']).toBe(busybox.digest);
  });

  it('--registry-mirror REGISTRY=URL mirrors a non-Hub registry name', async () => {
    const r = await cli(['--registry-mirror', `registry.example.invalid=${mirror!.url}`, 'pull', 'registry.example.invalid/library/busybox:latest']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`Pulled from mirror ${mirror!.url}\n`);
  });

  it('falls back to the registry itself when the mirror lacks the content (404)', async () => {
    // An empty registry as the mirror of the open registry: it answers 404 for everything.
    const empty = await startRegistry({ mode: 'open', parentDir: tmp });
    try {
      const miss = await cli(['--registry-mirror', `${regs.open.host}=${empty.url}`, 'pull', `${regs.open.host}/demo/hello:v1`]);
      expect(miss.code).toBe(0);
      expect(miss.stderr).toMatch(new RegExp(`^Pulled from ${regs.open.host.replace(/\./g, '\\.')} \\(skipped ${empty.url}: .*(manifest unknown|name unknown).*\\)\\n$`));
    } finally {
      await empty.stop();
    }
  });

  it('a mirror cannot change content unnoticed: a pinned pull rejects its bytes', async () => {
    const liar: Server = createServer((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
      const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'x', digest: busybox.digest, size: 1 }, layers: [] });
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${createHash('sha256').update(body).digest('hex')}` });
      res.end(body);
    });
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    const liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
    try {
      const r = await cli(['--registry-mirror', `${regs.open.host}=${liarUrl}`, 'pull', `${regs.open.host}/library/busybox@${busybox.digest}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`digest mismatch for manifest`);
      expect(r.stderr).toContain(`expected ${busybox.digest}`);
    } finally {
      await new Promise<void>((r) => liar.close(() => r()));
    }
  });

  it('refuses a mirror URL with a path (docker does too), before any request', async () => {
    const r = await cli(['--registry-mirror', 'https://mirror.example.com/dockerhub', 'pull', 'busybox']);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('invalid registry mirror "https://mirror.example.com/dockerhub": a mirror URL cannot carry a path');
    expect(r.stdout).toBe('');
  });

  // A non-loopback address, so plain HTTP is allowed only because daemon.json marks the mirror insecure.
  const lanIp = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  it.skipIf(!lanIp)('daemon.json insecure-registries lets an https:// mirror on a non-loopback host fall back to plain HTTP', async () => {
    const dir = await mkdtemp(path.join(tmp, 'lan-'));
    const lan = await startRegistryServer(`${lanIp}:0`, { dir });
    try {
      await run('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', `oci:${busybox.layoutDir}:${busybox.layoutTag}`, `docker://${lan.address}/library/busybox:latest`]);
      const httpsUrl = `https://${lan.address}`;
      const refused = await cli(['pull', 'busybox'], { daemon: { 'registry-mirrors': [httpsUrl] } });
      expect(refused.code).toBe(5);
      expect(refused.stderr).toContain(`every endpoint failed: ${httpsUrl} (`);
      expect(refused.stderr).toMatch(/; registry-1\.docker\.io \(/);
      const r = await cli(['pull', 'busybox'], { daemon: { 'registry-mirrors': [httpsUrl], 'insecure-registries': [lan.address] } });
      expect(r.stderr).toBe(`Pulled from mirror ${httpsUrl}\n`);
      expect(r.code).toBe(0);
      expect((await storedNames(r.store))['docker.io/library/busybox:latest']).toBe(busybox.digest);
      // The same marking from regctl's registries.json, for a per-registry mirror.
      const viaFile = await cli(['pull', 'quay.io/library/busybox'], { registries: { mirrors: { 'quay.io': [httpsUrl] }, 'insecure-registries': [lan.address] } });
      expect(viaFile.stderr).toBe(`Pulled from mirror ${httpsUrl}\n`);
      expect(viaFile.code).toBe(0);
    } finally {
      await lan.close();
    }
  });
});
