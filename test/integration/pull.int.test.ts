// `regctl pull` end to end: real registry in every auth mode, docker's output, the store read
// back by skopeo, re-pull transferring nothing (counted at the wire), platforms, digests, -a,
// errors that leave the store untouched, and two pulls into one store at once.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { digestOf, manifest, raw, sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer } from '../helpers/edge-server.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const short = (d: string) => d.slice('sha256:'.length, 'sha256:'.length + 12);

let tmp: string;
let proxy: CountingProxy;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-pull-'));
  if (available) proxy = await startCountingProxy(inject('registries').open.url);
});
afterAll(async () => {
  await proxy?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function newStore(): Promise<string> {
  return mkdtemp(path.join(tmp, 'store-'));
}
async function emptyConfig(): Promise<string> {
  return mkdtemp(path.join(tmp, 'cfg-'));
}
async function cli(store: string, args: string[]) {
  return runCli(['--config', await emptyConfig(), '--store', store, ...args]);
}
async function indexNames(store: string): Promise<string[]> {
  const index = JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
  return index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name'] ?? '');
}

describe.skipIf(!available)('regctl pull', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  it('pulls with docker\'s output, and a second pull transfers no blob bytes', async () => {
    const store = await newStore();
    const image = seeded['demo/hello:v1']!;
    const ref = `${proxy.host}/demo/hello:v1`;
    const first = await cli(store, ['pull', ref]);
    expect(first.code, first.stderr).toBe(0);
    const layer = short(image.manifests[0]!.layerDigests[0]!);
    expect(first.stdout).toBe(
      [
        'v1: Pulling from demo/hello',
        `${layer}: Pulling fs layer`,
        `${layer}: Verifying Checksum`,
        `${layer}: Download complete`,
        `${layer}: Pull complete`,
        `Digest: ${image.digest}`,
        `Status: Downloaded newer image for ${ref}`,
        ref,
        '',
      ].join('\n'),
    );
    expect(await indexNames(store)).toEqual([ref]);
    const before = proxy.blobBytes();
    expect(before).toBeGreaterThan(0);

    const second = await cli(store, ['pull', ref]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${layer}: Already exists`);
    expect(second.stdout).toContain(`Status: Image is up to date for ${ref}`);
    expect(proxy.blobBytes()).toBe(before);
  });

  it('says "Using default tag: latest" and resolves library/busybox paths like Docker Hub names', async () => {
    const store = await newStore();
    const r = await cli(store, ['pull', `${regs.open.host}/library/busybox`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['Using default tag: latest', 'latest: Pulling from library/busybox']);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`${regs.open.host}/library/busybox:latest`);
  });

  it('-q prints only the full reference', async () => {
    const r = await cli(await newStore(), ['pull', '-q', `${regs.open.host}/demo/hello:v1`]);
    expect(r).toMatchObject({ code: 0, stdout: `${regs.open.host}/demo/hello:v1\n` });
  });

  it('writes a layout skopeo can read: copying it to another repository keeps the digest', async () => {
    const store = await newStore();
    const name = `${regs.open.host}/demo/hello:v1`;
    expect((await cli(store, ['pull', '-q', name])).code).toBe(0);
    await run('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${store}:${name}`, `docker://${regs.open.host}/copied/hello:v1`]);
    const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${regs.open.host}/copied/hello:v1`]);
    expect(sha256(stdout)).toBe(seeded['demo/hello:v1']!.digest);
  });

  it('picks the host platform by default, another with --platform, and all with --all-platforms', async () => {
    const multi = seeded['demo/multi:v1']!;
    const byArch = (a: string) => multi.manifests.find((m) => m.platform.architecture === a)!;
    const ref = `${regs.open.host}/demo/multi:v1`;

    const store = await newStore();
    const arm = await cli(store, ['pull', '--platform', 'linux/arm64', ref]);
    expect(arm.code, arm.stderr).toBe(0);
    expect(arm.stdout).toContain(`Digest: ${multi.digest}`);
    const index = JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(byArch('arm64').digest);

    const all = await newStore();
    expect((await cli(all, ['pull', '--all-platforms', ref])).code).toBe(0);
    const allIndex = JSON.parse(await readFile(path.join(all, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(allIndex.manifests[0]!.digest).toBe(multi.digest);
    for (const m of multi.manifests) {
      for (const d of [m.digest, m.configDigest, ...m.layerDigests]) {
        await expect(readFile(path.join(all, 'blobs', 'sha256', d.slice(7)))).resolves.toBeInstanceOf(Buffer);
      }
    }
    const miss = await cli(await newStore(), ['pull', '--platform', 'linux/s390x', ref]);
    expect(miss.code).not.toBe(0);
    expect(miss.stderr).toBe('Error: no matching manifest for linux/s390x in the manifest list entries\n');
    // docker's one-word --platform: an architecture (this machine's OS) or an OS (this machine's architecture).
    const shortStore = await newStore();
    const short = await cli(shortStore, ['pull', '--platform', 'arm64', ref]);
    expect(short.code, short.stderr).toBe(0);
    const shortIndex = JSON.parse(await readFile(path.join(shortStore, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(shortIndex.manifests[0]!.digest).toBe(byArch('arm64').digest);
    const linux = await cli(await newStore(), ['pull', '--platform', 'linux', ref]);
    expect(linux.code, linux.stderr).toBe(0);
  });

  it('pulls by digest and verifies it', async () => {
    const image = seeded['demo/hello:v1']!;
    const ref = `${regs.open.host}/demo/hello@${image.digest}`;
    const r = await cli(await newStore(), ['pull', ref]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`${image.digest}: Pulling from demo/hello`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(ref);
  });

  it('--progress json prints JSON Lines only (every stdout line parses), also with -a', async () => {
    for (const args of [['pull', '--progress', 'json', `${regs.open.host}/demo/hello:v1`], ['pull', '-a', '--progress', 'json', `${regs.open.host}/demo/hello`]]) {
      const r = await cli(await newStore(), args);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect((JSON.parse(lines.at(-1)!) as { type: string }).type).toBe('done');
    }
  });

  it.each(['demo/hello', 'demo/multi'])('re-pulls a present digest of %s as docker does: "Image is up to date"', async (repo) => {
    const image = seeded[`${repo}:v1`]!;
    const ref = `${regs.open.host}/${repo}@${image.digest}`;
    const store = await newStore();
    const first = await cli(store, ['pull', ref]);
    expect(first.stdout.split('\n')[0]).toBe(`${image.digest}: Pulling from ${repo}`);
    expect(first.stdout.split('\n')).toContain(`Status: Downloaded newer image for ${ref}`);
    const again = await cli(store, ['pull', ref]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split('\n')).toContain(`Status: Image is up to date for ${ref}`);
  });

  it('-a pulls every tag and refuses a tag', async () => {
    const store = await newStore();
    const r = await cli(store, ['pull', '-a', `${regs.open.host}/demo/hello`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`${regs.open.host}/demo/hello`);
    expect(await indexNames(store)).toContain(`${regs.open.host}/demo/hello:v1`);
    const bad = await cli(store, ['pull', '-a', `${regs.open.host}/demo/hello:v1`]);
    expect(bad).toMatchObject({ code: 2, stderr: "Error: tag can't be used with --all-tags/-a\n" });
  });

  it('reports a missing tag like docker, exit 4, and leaves the store empty', async () => {
    const store = await newStore();
    const r = await cli(store, ['pull', `${regs.open.host}/demo/hello:nope`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`Error: manifest for ${regs.open.host}/demo/hello:nope not found: manifest unknown: manifest unknown\n`);
    expect(await indexNames(store)).toEqual([]);
    expect(await readdir(path.join(store, 'blobs', 'sha256'))).toEqual([]);
  });

  it('pulls in every auth mode and explains denied pulls', async () => {
    const cfg = await emptyConfig();
    const auth = Buffer.from('alice:alicepw').toString('base64');
    await writeFile(path.join(cfg, 'config.json'), JSON.stringify({ auths: { [regs.htpasswd.host]: { auth }, [regs.token.host]: { auth } } }));
    const store = await newStore();
    for (const ref of [`${regs.htpasswd.host}/demo/hello:v1`, `${regs.token.host}/private/hello:v1`]) {
      const r = await runCli(['--config', cfg, '--store', store, 'pull', '-q', ref]);
      expect(r, ref).toMatchObject({ code: 0, stdout: `${ref}\n` });
    }
    const tls = await runCli(['--config', cfg, '--store', store, '--certs-dir', inject('certsDir'), 'pull', '-q', `${regs.tls.host}/demo/hello:v1`]);
    expect(tls.code, tls.stderr).toBe(0);
    const denied = await cli(await newStore(), ['pull', `${regs.token.host}/private/hello:v1`]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain(`pull access denied for ${regs.token.host}/private/hello, repository does not exist or may require 'regctl login'`);
  });

  it('rejects a blob whose bytes do not match its digest and stores nothing', async () => {
    const edge = await startEdgeServer();
    try {
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const layerDigest = digestOf('the real layer');
      const body = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: 14 }],
        }),
      );
      edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      edge.on('GET', '/v2/bad/img/manifests/v1', manifest(body, 'application/vnd.oci.image.manifest.v1+json'));
      edge.on('GET', `/v2/bad/img/blobs/${digestOf(config)}`, raw(200, config));
      edge.on('GET', `/v2/bad/img/blobs/${layerDigest}`, raw(200, 'a forged layer'));
      const store = await newStore();
      const r = await cli(store, ['pull', `${edge.host}/bad/img:v1`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('digest mismatch');
      expect(await indexNames(store)).toEqual([]);
      const blobs = await readdir(path.join(store, 'blobs', 'sha256'));
      expect(blobs).not.toContain(layerDigest.slice(7));
    } finally {
      await edge.close();
    }
  });

  it('refuses a schema 1 manifest with a clear "not supported" error', async () => {
    const edge = await startEdgeServer();
    try {
      const v1 = JSON.stringify({ schemaVersion: 1, name: 'old/img', tag: 'v1', fsLayers: [], history: [] });
      edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      edge.on('GET', '/v2/old/img/manifests/v1', manifest(v1, 'application/vnd.docker.distribution.manifest.v1+prettyjws'));
      const store = await newStore();
      const r = await cli(store, ['pull', `${edge.host}/old/img:v1`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^Error: .*schema 1 manifests are not supported/);
      expect(await indexNames(store)).toEqual([]);
    } finally {
      await edge.close();
    }
  });

  it('two processes pulling into one store both succeed and leave one consistent index', async () => {
    const store = await newStore();
    const bin = path.resolve('bin/regctl.js');
    const refs = [`${regs.open.host}/demo/hello:v1`, `${regs.open.host}/demo/multi:v1`];
    const results = await Promise.all(refs.map((ref) => run(process.execPath, [bin, '--config', tmp, '--store', store, 'pull', '-q', ref])));
    expect(results.map((r) => r.stdout.trim())).toEqual(refs);
    expect((await indexNames(store)).sort()).toEqual([...refs].sort());
  }, 60_000); // two Node processes start and run here; under a loaded 2-core machine that can take a while
});

// Issue 20, hostile inputs: a blob corrupted inside the store, and configs docker refuses.
describe.skipIf(!available)('regctl pull: store integrity and configs', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  it('pull --verify re-fetches a corrupt present blob that a plain pull calls "Already exists"', async () => {
    const store = await newStore();
    const image = seeded['demo/hello:v1']!;
    const ref = `${new URL(regs.open.url).host}/demo/hello:v1`;
    expect((await cli(store, ['pull', ref])).code).toBe(0);
    const layer = image.manifests[0]!.layerDigests[0]!;
    const file = path.join(store, 'blobs', 'sha256', layer.slice('sha256:'.length));
    const bytes = await readFile(file);
    bytes[0] = bytes[0]! ^ 0xff; // same size: only a re-hash can tell
    await writeFile(file, bytes);

    const plain = await cli(store, ['pull', ref]);
    expect(plain.stdout).toContain(`${short(layer)}: Already exists`);
    const check = await cli(store, ['store', 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`blob ${layer} is corrupt`);

    const verified = await cli(store, ['pull', '--verify', ref]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain(`WARNING: blob ${layer} in the store was corrupt; fetching it again`);
    expect(verified.stdout).toContain(`${short(layer)}: Pull complete`);
    const clean = await cli(store, ['store', 'check']);
    expect(clean.code, clean.stdout).toBe(0);
  });

  it.each([
    ['not JSON', Buffer.from('this is not json'), 'not valid JSON'],
    ['architecture not a string', Buffer.from(JSON.stringify({ architecture: 7, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })), 'architecture and os must be strings'],
  ])('refuses a config that is %s and indexes nothing', async (label, config, reason) => {
    const { pushBlob, putManifest } = await import('../helpers/registry-wire.js');
    const url = regs.open.url;
    const repo = `hostile/config-${label.toLowerCase().replace(/\W+/g, '-')}`;
    const configDigest = await pushBlob(url, repo, config);
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] }),
    );
    const put = await putManifest(url, repo, 'v1', body);
    expect(put.status, put.text()).toBe(201);
    const store = await newStore();
    const ref = `${new URL(url).host}/${repo}:v1`;
    const result = await cli(store, ['pull', ref]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: invalid image configuration ${configDigest}: ${reason}`);
    const index = await readFile(path.join(store, 'index.json'), 'utf8').catch(() => '{"manifests":[]}');
    expect((JSON.parse(index) as { manifests: unknown[] }).manifests).toEqual([]);
  });
});
