// `regctl registry serve` (the embedded registry) against skopeo and against regctl itself:
// started through the CLI on port 0, skopeo copies in and out with digests preserved, regctl
// push (mount, chunked) / pull / manifest inspect / tags pagination / catalog, the
// distribution API details (errors, ranges, upload sessions, referrers), and serving a regctl store.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { main } from '../../src/cli/main.js';
import { transpilePackage } from '../helpers/transpiled-dist.js';
import { rawRequest } from '../helpers/raw-http.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Served {
  host: string;
  url: string;
  dir: string;
  stop(): Promise<number>;
  stderr(): string;
}

/** Runs `regctl registry serve --addr 127.0.0.1:0 --dir DIR` in-process until stop(). */
async function serve(dir: string): Promise<Served> {
  const controller = new AbortController();
  let out = '';
  let err = '';
  let resolveListening: (addr: string) => void;
  const listening = new Promise<string>((r) => (resolveListening = r));
  const done = main(['--debug', 'registry', 'serve', '--addr', '127.0.0.1:0', '--dir', dir], {
    io: {
      stdout: {
        write: (c: string | Uint8Array) => {
          out += c.toString();
          const m = /listening on (\S+)\n/.exec(out);
          if (m) resolveListening(m[1]!);
          return true;
        },
        isTTY: false,
      },
      stderr: { write: (c: string | Uint8Array) => ((err += c.toString()), true), isTTY: false },
      stdin: process.stdin,
      env: process.env,
    },
    signal: controller.signal,
  });
  const host = await Promise.race([listening, done.then((code) => Promise.reject(new Error(`serve exited ${code}: ${err}`)))]);
  return {
    host,
    url: `http://${host}`,
    dir,
    stop: () => (controller.abort(), done),
    stderr: () => err,
  };
}

let tmp: string;
let reg: Served;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-serve-'));
  if (available) reg = await serve(path.join(tmp, 'registry'));
});
afterAll(async () => {
  await reg?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function cli(store: string, args: string[]) {
  return runCli(['--config', path.join(tmp, 'cfg'), '--store', store, ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } });
}
const skopeo = (...args: string[]) => run('skopeo', ['--insecure-policy', ...args]);

describe.skipIf(!available)('regctl registry serve', () => {
  const seeded = inject('seeded');
  const hello = seeded['demo/hello:v1']!;
  const multi = seeded['demo/multi:v1']!;

  it('prints the real port for port 0 and answers /v2/ with the API version header', async () => {
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(reg.host).not.toBe('127.0.0.1:0');
    const r = await rawRequest(`${reg.url}/v2/`);
    expect(r.status).toBe(200);
    expect(r.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('skopeo copies single and multi-platform images in and out with digests preserved', async () => {
    await skopeo('copy', '--dest-tls-verify=false', `oci:${hello.layoutDir}:${hello.layoutTag}`, `docker://${reg.host}/demo/hello:v1`);
    await skopeo('copy', '--all', '--dest-tls-verify=false', `oci:${multi.layoutDir}:${multi.layoutTag}`, `docker://${reg.host}/demo/multi:v1`);
    const inspect = JSON.parse((await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/demo/hello:v1`)).stdout) as unknown;
    expect(inspect).toBeTruthy();
    const digest = (await skopeo('inspect', '--format', '{{.Digest}}', '--tls-verify=false', `docker://${reg.host}/demo/hello:v1`)).stdout.trim();
    expect(digest).toBe(hello.digest);
    const out = path.join(tmp, 'out-multi');
    await skopeo('copy', '--all', '--src-tls-verify=false', `docker://${reg.host}/demo/multi:v1`, `oci:${out}:v1`);
    const index = JSON.parse(await readFile(path.join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(multi.digest);
    // Every blob skopeo wrote out verifies.
    for (const m of multi.manifests) {
      const bytes = await readFile(path.join(out, 'blobs', 'sha256', m.digest.slice(7)));
      expect(sha256(bytes)).toBe(m.digest);
    }
  });

  it('regctl pull, manifest inspect and push with cross-repository mount', async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    const pulled = await cli(store, ['pull', `${reg.host}/demo/hello:v1`]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain(`Digest: ${hello.digest}`);
    const inspect = await cli(store, ['manifest', 'inspect', `${reg.host}/demo/multi:v1`]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect((JSON.parse(inspect.stdout) as { manifests: unknown[] }).manifests).toHaveLength(multi.manifests.length);

    expect((await cli(store, ['tag', `${reg.host}/demo/hello:v1`, `${reg.host}/team/copy:v1`])).code).toBe(0);
    const pushed = await cli(store, ['push', `${reg.host}/team/copy:v1`]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('Mounted from demo/hello');
    expect(pushed.stdout).toContain(`v1: digest: ${hello.digest}`);
  });

  it('regctl push in chunks (PATCH with Content-Range), then pulls it back into a fresh store', async () => {
    const regs = inject('registries');
    const store = await mkdtemp(path.join(tmp, 'store-'));
    // From another registry, so nothing can be mounted: every blob is uploaded.
    expect((await cli(store, ['pull', `${regs.open.host}/demo/hello:v1`])).code).toBe(0);
    expect((await cli(store, ['tag', `${regs.open.host}/demo/hello:v1`, `${reg.host}/chunked/hello:v1`])).code).toBe(0);
    const before = reg.stderr().length;
    const pushed = await cli(store, ['push', '--chunk-size', '1000', `${reg.host}/chunked/hello:v1`]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const patches = reg.stderr().slice(before).split('\n').filter((l) => /^DEBUG: PATCH \/v2\/chunked\/hello\/blobs\/uploads\/\w+ -> 202$/.test(l));
    expect(patches.length).toBeGreaterThan(1);
    const fresh = await mkdtemp(path.join(tmp, 'store-'));
    const back = await cli(fresh, ['pull', `${reg.host}/chunked/hello:v1`]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`Digest: ${hello.digest}`);
  });

  it('tags and catalog paginate with n/last and Link, and regctl follows the pages', async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    expect((await cli(store, ['pull', `${reg.host}/demo/hello:v1`])).code).toBe(0);
    for (const t of ['a', 'b', 'c']) expect((await cli(store, ['tag', `${reg.host}/demo/hello:v1`, `${reg.host}/paged/app:${t}`])).code).toBe(0);
    expect((await cli(store, ['push', '-a', `${reg.host}/paged/app`])).code).toBe(0);
    const page = await rawRequest(`${reg.url}/v2/paged/app/tags/list?n=2`);
    expect(page.json()).toEqual({ name: 'paged/app', tags: ['a', 'b'] });
    expect(page.headers.link).toBe('</v2/paged/app/tags/list?n=2&last=b>; rel="next"');
    expect((await rawRequest(`${reg.url}/v2/paged/app/tags/list?n=2&last=b`)).json()).toEqual({ name: 'paged/app', tags: ['c'] });
    const tags = await cli(store, ['tags', '--page-size', '1', `${reg.host}/paged/app`]);
    expect(tags.stdout.trim().split('\n')).toEqual(['a', 'b', 'c']);
    const catalog = await cli(store, ['catalog', '--page-size', '1', reg.host]);
    expect(catalog.code).toBe(0);
    expect(catalog.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['demo/hello', 'demo/multi', 'paged/app', 'team/copy']));
    const cpage = await rawRequest(`${reg.url}/v2/_catalog?n=1`);
    expect(cpage.headers.link).toMatch(/^<\/v2\/_catalog\?n=1&last=[^>]+>; rel="next"$/);
  });

  it('speaks distribution\'s errors, ranges and upload sessions', async () => {
    const repo = `${reg.url}/v2/raw/blob`;
    const data = Buffer.from('hello embedded registry');
    const digest = sha256(data);
    // Session: POST, PATCH two chunks, a non-contiguous chunk is refused, status, PUT with a wrong digest.
    const start = await rawRequest(`${repo}/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const loc = new URL(String(start.headers.location), reg.url).toString();
    const p1 = await rawRequest(loc, { method: 'PATCH', body: data.subarray(0, 10), headers: { 'content-range': '0-9', 'content-type': 'application/octet-stream' } });
    expect(p1.status).toBe(202);
    expect(p1.headers.range).toBe('0-9');
    const bad = await rawRequest(loc, { method: 'PATCH', body: data.subarray(12), headers: { 'content-range': '12-22' } });
    expect(bad.status).toBe(416);
    await rawRequest(loc, { method: 'PATCH', body: data.subarray(10), headers: { 'content-range': `10-${data.length - 1}` } });
    const status = await rawRequest(loc);
    expect(status.status).toBe(204);
    expect(status.headers.range).toBe(`0-${data.length - 1}`);
    const wrong = await rawRequest(`${loc}?digest=${sha256('other')}`, { method: 'PUT' });
    expect(wrong.status).toBe(400);
    expect((wrong.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('DIGEST_INVALID');
    // Monolithic.
    const mono = await rawRequest(`${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: data });
    expect(mono.status).toBe(201);
    expect(mono.headers['docker-content-digest']).toBe(digest);
    const range = await rawRequest(`${repo}/blobs/${digest}`, { headers: { range: 'bytes=6-13' } });
    expect(range.status).toBe(206);
    expect(range.text()).toBe('embedded');
    expect(range.headers['content-range']).toBe(`bytes 6-13/${data.length}`);
    // A manifest whose blobs are missing, an unknown manifest, an unknown repository.
    const orphan = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('nope'), size: 4 }, layers: [] });
    const put = await rawRequest(`${repo}/manifests/x`, { method: 'PUT', body: orphan, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(put.status).toBe(400);
    expect((put.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect((await rawRequest(`${repo}/manifests/nope`)).status).toBe(404);
    expect(((await rawRequest(`${reg.url}/v2/no/such/tags/list`)).json() as { errors: { code: string }[] }).errors[0]!.code).toBe('NAME_UNKNOWN');
    // Manifest GET: stored media type and digest header; HEAD the same without a body.
    const head = await rawRequest(`${reg.url}/v2/demo/multi/manifests/v1`, { method: 'HEAD' });
    expect(head.headers['docker-content-digest']).toBe(multi.digest);
    expect(head.headers['content-type']).toBe(multi.mediaType);
  });

  it('serves the images of a regctl store when --dir is the store, under their full names', async () => {
    const regs = inject('registries');
    const store = await mkdtemp(path.join(tmp, 'store-'));
    expect((await cli(store, ['pull', `${regs.open.host}/library/busybox`])).code).toBe(0);
    const fromStore = await serve(store);
    try {
      const repo = `${regs.open.host.replace(':', '_')}/library/busybox`;
      const catalog = await rawRequest(`${fromStore.url}/v2/_catalog`);
      expect((catalog.json() as { repositories: string[] }).repositories).toContain(repo);
      const other = await mkdtemp(path.join(tmp, 'store-'));
      const pulled = await cli(other, ['pull', `${fromStore.host}/${repo}:latest`]);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stdout).toContain(`Digest: ${seeded['library/busybox:latest']!.digest}`);
    } finally {
      await fromStore.stop();
    }
  });

  it('stops cleanly (exit 0) on the CLI signal, and the port is closed', async () => {
    const extra = await serve(path.join(tmp, 'short-lived'));
    expect(await extra.stop()).toBe(0);
    expect(extra.stderr()).toContain('registry stopped');
    await expect(rawRequest(`${extra.url}/v2/`, { timeoutMs: 2000 })).rejects.toThrow();
  });

  it('as a process: prints the real address, serves, and exits 0 on SIGTERM and on SIGINT', async () => {
    const pkg = await transpilePackage();
    try {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        const child = spawn(process.execPath, [path.join(pkg.binDir, 'regctl.js'), 'registry', 'serve', '--addr', '127.0.0.1:0', '--dir', path.join(tmp, `proc-${signal}`)], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        const host = await new Promise<string>((resolve, reject) => {
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            const m = /^listening on (127\.0\.0\.1:\d+)$/m.exec(out);
            if (m) resolve(m[1]!);
          });
          child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
        });
        expect((await rawRequest(`http://${host}/v2/`)).status).toBe(200);
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        child.kill(signal);
        expect(await exited).toBe(0);
      }
    } finally {
      await pkg.remove();
    }
  });

  it('the README offline walk-through: serve, tag, push, pull, search', async () => {
    const regs = inject('registries');
    const store = await mkdtemp(path.join(tmp, 'store-'));
    // An image already in the store (here pulled once while online).
    expect((await cli(store, ['pull', `${regs.open.host}/library/busybox`])).code).toBe(0);
    expect((await cli(store, ['tag', `${regs.open.host}/library/busybox`, `${reg.host}/tools/busybox:1.0`])).code).toBe(0);
    const pushed = await cli(store, ['push', `${reg.host}/tools/busybox:1.0`]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const other = await mkdtemp(path.join(tmp, 'store-'));
    const pulled = await cli(other, ['pull', `${reg.host}/tools/busybox:1.0`]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const search = await cli(other, ['search', `${reg.host}/busybox`]);
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toContain(`${reg.host}/tools/busybox`);
  });

  it('referrers API: an SBOM attached to a pushed image is listed with its artifactType and annotations, OCI-Subject on the PUT, the filter, an invalid reference is 404, and a store prune keeps the referrer', async () => {
    const repo = `${reg.url}/v2/discover/app`;
    const empty = Buffer.from('{}');
    const sbom = Buffer.from('{"spdxVersion":"SPDX-2.3"}');
    for (const blob of [empty, sbom]) expect((await rawRequest(`${repo}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: blob })).status).toBe(201);
    const image = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 }, layers: [] }));
    const put = (ref: string, body: Buffer) => rawRequest(`${repo}/manifests/${ref}`, { method: 'PUT', body, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect((await put('v1', image)).status).toBe(201);
    const attached = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
      layers: [{ mediaType: 'application/spdx+json', digest: sha256(sbom), size: sbom.length, annotations: { 'org.opencontainers.image.title': 'sbom.spdx.json' } }],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(image), size: image.length },
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    }));
    const r = await put(sha256(attached), attached);
    expect(r.status).toBe(201);
    expect(r.headers['oci-subject']).toBe(sha256(image));
    // A store prune on the registry's directory (the manifest link is a root) keeps it.
    expect((await cli(reg.dir, ['prune'])).code).toBe(0);
    for (const filter of ['', '?artifactType=application%2Fspdx%2Bjson']) {
      const list = await rawRequest(`${repo}/referrers/${sha256(image)}${filter}`);
      expect(list.status).toBe(200);
      expect(list.headers['content-type']).toBe('application/vnd.oci.image.index.v1+json');
      expect(list.headers['oci-filters-applied']).toBe(filter ? 'artifactType' : undefined);
      expect(list.json()).toEqual({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(attached), size: attached.length, artifactType: 'application/spdx+json', annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' } }] });
    }
    expect((await rawRequest(`${repo}/manifests/${sha256(attached)}`)).status).toBe(200);
    const other = await rawRequest(`${repo}/referrers/${sha256(image)}?artifactType=application%2Fother`);
    expect(other.json()).toEqual({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    const invalid = await rawRequest(`${repo}/manifests/.INVALID_MANIFEST_NAME`);
    expect(invalid.status).toBe(404);
    expect((invalid.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('MANIFEST_UNKNOWN');
    expect((await rawRequest(`${repo}/manifests/${sha256(attached)}`, { method: 'DELETE' })).status).toBe(202);
    expect((await rawRequest(`${repo}/referrers/${sha256(image)}`)).json()).toEqual({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
  });

  it('drops an upload session whose body is still arriving when the client asks for its status (as distribution does)', async () => {
    const start = await rawRequest(`${reg.url}/v2/raw/cut/blobs/uploads/`, { method: 'POST' });
    const loc = new URL(String(start.headers.location), reg.url);
    // A PATCH that announces 1000 bytes and sends 10: the client "lost" this connection.
    const hanging = http.request(loc, { method: 'PATCH', headers: { 'content-length': '1000' } });
    hanging.on('error', () => undefined);
    hanging.write(Buffer.alloc(10));
    await new Promise((r) => setTimeout(r, 100));
    const status = await rawRequest(loc.toString());
    expect(status.status).toBe(404);
    expect((status.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('BLOB_UPLOAD_UNKNOWN');
    hanging.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await rawRequest(loc.toString())).status).toBe(404);
  });
});
