// `regctl artifact push` and `pull` against distribution 2.8 and `regctl registry serve`: what
// arrives on the wire is oras's artifact (checked on the raw manifest JSON: artifactType, the
// empty config descriptor, titled layers, a directory's oras annotations), files and a directory
// round-trip, and pull refuses what must not be written: titles with `..` or an absolute path
// (manifests crafted here), a symbolic link in DIR on the way, an existing file without
// --overwrite, a digest mismatch (nothing left in DIR), an image with no files.
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { pushBlob, putManifest, serve, useRegistries } from '../helpers/registry-wire.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2, data: 'e30=' };
const TITLE = 'org.opencontainers.image.title';

useRegistries();
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-artifact-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[], cwd?: string) => {
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  return runCli(['--config', path.join(tmp, 'cfg'), ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } }).finally(() => process.chdir(before));
};

async function getManifest(url: string, repo: string, reference: string) {
  const r = await rawRequest(`${url}/v2/${repo}/manifests/${reference}`, { headers: { accept: OCI_MANIFEST } });
  expect(r.status, r.text()).toBe(200);
  return { json: r.json<Record<string, any>>(), bytes: r.body, headers: r.headers };
}

async function fresh(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, `${name}-`));
  return dir;
}

/** A manifest the test writes itself (what a hostile pusher could put there), with its blobs. */
async function craft(url: string, repo: string, tag: string, layers: { title?: string; bytes: Buffer; size?: number }[]): Promise<string> {
  await pushBlob(url, repo, Buffer.from('{}'));
  const descriptors = [];
  for (const l of layers) {
    const digest = await pushBlob(url, repo, l.bytes);
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: l.size ?? l.bytes.length, ...(l.title !== undefined ? { annotations: { [TITLE]: l.title } } : {}) });
  }
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.test', config: EMPTY, layers: descriptors }));
  const put = await putManifest(url, repo, tag, body);
  expect(put.status, put.text()).toBe(201);
  return sha256(body);
}

describe.skipIf(!available)('regctl artifact push / pull', () => {
  const registries = () => [
    ['distribution 2.8', async () => inject('registries').open] as const,
    ['registry serve', async () => serve()] as const,
  ];

  for (const [label, start] of registries()) {
    describe(label, () => {
      let url: string;
      let host: string;
      beforeAll(async () => {
        const r = await start();
        url = r.url;
        host = new URL(r.url).host;
      });

      it("pushes files and a directory as oras's artifact, checked on the raw manifest, and pulls them back", async () => {
        const src = await fresh('src');
        await writeFile(path.join(src, 'notes.md'), '# notes\n');
        await writeFile(path.join(src, 'report.json'), '{"ok":true}');
        await mkdir(path.join(src, 'site', 'css'), { recursive: true });
        await writeFile(path.join(src, 'site', 'index.html'), '<h1>hi</h1>');
        await writeFile(path.join(src, 'site', 'css', 'a.css'), 'h1{}');
        await symlink('index.html', path.join(src, 'site', 'home.html'));
        const ref = `${host}/team/bundle:1.0`;
        const push = await cli(['artifact', 'push', ref, 'notes.md', 'report.json:application/json', 'site', '-a', 'com.example.build=42'], src);
        expect(push.code, push.stderr).toBe(0);
        const lines = push.stdout.trim().split('\n');
        expect(lines.slice(-3)).toEqual([`Pushed [registry] ${ref}`, 'ArtifactType: application/vnd.unknown.artifact.v1', expect.stringMatching(/^Digest: sha256:[a-f0-9]{64}$/)]);
        expect(lines).toContain(`Uploaded  ${sha256('# notes\n').slice(7, 19)} notes.md`);
        const digest = lines.at(-1)!.slice('Digest: '.length);

        const { json, bytes, headers } = await getManifest(url, 'team/bundle', '1.0');
        expect(sha256(bytes)).toBe(digest);
        expect(headers['docker-content-digest']).toBe(digest);
        expect(Object.keys(json)).toEqual(['schemaVersion', 'mediaType', 'artifactType', 'config', 'layers', 'annotations']);
        expect(json.schemaVersion).toBe(2);
        expect(json.mediaType).toBe(OCI_MANIFEST);
        expect(json.artifactType).toBe('application/vnd.unknown.artifact.v1');
        expect(json.config).toEqual(EMPTY);
        expect(json.layers[0]).toEqual({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('# notes\n'), size: 8, annotations: { [TITLE]: 'notes.md' } });
        expect(json.layers[1]).toEqual({ mediaType: 'application/json', digest: sha256('{"ok":true}'), size: 11, annotations: { [TITLE]: 'report.json' } });
        const dir = json.layers[2];
        expect(dir.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
        expect(dir.annotations).toEqual({ 'io.deis.oras.content.digest': expect.stringMatching(/^sha256:/), 'io.deis.oras.content.unpack': 'true', [TITLE]: 'site' });
        expect(json.annotations).toEqual({ 'com.example.build': '42', 'org.opencontainers.image.created': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
        // The blobs are the files' bytes; the directory's is a gzip of the tar its annotation names.
        const blob = async (d: string) => (await rawRequest(`${url}/v2/team/bundle/blobs/${d}`)).body;
        expect((await blob(json.layers[0].digest)).toString()).toBe('# notes\n');
        const gz = await blob(dir.digest);
        expect(sha256(gz)).toBe(dir.digest);
        expect(sha256(gunzipSync(gz))).toBe(dir.annotations['io.deis.oras.content.digest']);
        expect((await blob(EMPTY.digest)).toString()).toBe('{}');

        const out = path.join(await fresh('out'), 'pulled');
        const pull = await cli(['artifact', 'pull', ref, '-o', out]);
        expect(pull.code, pull.stderr).toBe(0);
        expect(pull.stdout.trim().split('\n').slice(-2)).toEqual([`Pulled [registry] ${ref}`, `Digest: ${digest}`]);
        expect((await readdir(out)).sort()).toEqual(['notes.md', 'report.json', 'site']);
        expect(await readFile(path.join(out, 'notes.md'), 'utf8')).toBe('# notes\n');
        expect(await readFile(path.join(out, 'site', 'css', 'a.css'), 'utf8')).toBe('h1{}');
        expect(await readlink(path.join(out, 'site', 'home.html'))).toBe('index.html');

        // Again into the same directory: refused without --overwrite, nothing changed; with it, replaced.
        await writeFile(path.join(out, 'notes.md'), 'mine');
        const again = await cli(['artifact', 'pull', ref, '-o', out]);
        expect(again.code).toBe(6);
        expect(again.stderr).toContain(`${path.join(out, 'notes.md')} already exists`);
        expect(await readFile(path.join(out, 'notes.md'), 'utf8')).toBe('mine');
        const over = await cli(['artifact', 'pull', '--overwrite', ref, '-o', out]);
        expect(over.code, over.stderr).toBe(0);
        expect(await readFile(path.join(out, 'notes.md'), 'utf8')).toBe('# notes\n');
        expect((await readdir(out)).sort()).toEqual(['notes.md', 'report.json', 'site']);
      });

      it('puts by digest when the reference has one, and an artifact with no files has the empty layer', async () => {
        const push = await cli(['artifact', 'push', '--artifact-type', 'application/vnd.example.note', '-a', 'org.opencontainers.image.created=2024-01-01T00:00:00Z', `${host}/team/note:v1`]);
        expect(push.code, push.stderr).toBe(0);
        expect(push.stdout).toContain('Uploading empty artifact');
        const digest = push.stdout.trim().split('\n').at(-1)!.slice('Digest: '.length);
        const { json } = await getManifest(url, 'team/note', digest);
        expect(json.artifactType).toBe('application/vnd.example.note');
        expect(json.layers).toEqual([EMPTY]);
        // Same inputs, same creation time: the same digest, put by digest only.
        const byDigest = await cli(['artifact', 'push', '--artifact-type', 'application/vnd.example.note', '-a', 'org.opencontainers.image.created=2024-01-01T00:00:00Z', `${host}/team/note@${digest}`]);
        expect(byDigest.code, byDigest.stderr).toBe(0);
        expect(byDigest.stdout).toContain(`Pushed [registry] ${host}/team/note@${digest}`);
        // A pull of it: no file to write.
        const pull = await cli(['artifact', 'pull', `${host}/team/note:v1`, '-o', await fresh('none')]);
        expect(pull.code).toBe(1);
        expect(pull.stderr).toContain('has no files to pull: none of its layers has a file name');
      });

      it('--manifest-config: the config of its own type and no artifactType, as oras writes it', async () => {
        const src = await fresh('cfg');
        await writeFile(path.join(src, 'config.json'), '{"kind":"demo"}');
        await writeFile(path.join(src, 'data.bin'), 'data');
        const push = await cli(['artifact', 'push', '--manifest-config', 'config.json:application/vnd.example.config.v1+json', `${host}/team/configured:1`, 'data.bin'], src);
        expect(push.code, push.stderr).toBe(0);
        expect(push.stdout).toContain('ArtifactType: application/vnd.example.config.v1+json');
        const { json } = await getManifest(url, 'team/configured', '1');
        expect(json).not.toHaveProperty('artifactType');
        expect(json.config).toEqual({ mediaType: 'application/vnd.example.config.v1+json', digest: sha256('{"kind":"demo"}'), size: 15 });
      });

      it.each([
        ['../escape.txt', 'climbs out'],
        ['/tmp/regctl-absolute.txt', 'absolute'],
        ['sub/../../escape.txt', 'climbs out through a subdirectory'],
      ])('refuses to pull the title %j (%s), writing nothing', async (title) => {
        const tag = `t${createHash('sha1').update(title).digest('hex').slice(0, 8)}`;
        await craft(url, 'evil/titles', tag, [{ title, bytes: Buffer.from(`evil ${title}`) }]);
        const parent = await fresh('evil');
        const out = path.join(parent, 'out');
        const r = await cli(['artifact', 'pull', `${host}/evil/titles:${tag}`, '-o', out]);
        expect(r.code).toBe(6);
        expect(r.stderr).toContain(`refusing to write ${JSON.stringify(title)} from the artifact`);
        expect(await readdir(parent)).toEqual([]);
        await expect(lstat('/tmp/regctl-absolute.txt')).rejects.toThrow();
      });

      it('refuses a symbolic link in DIR on the way', async () => {
        await craft(url, 'evil/links', 'v1', [{ title: 'conf/app.yaml', bytes: Buffer.from('evil') }]);
        const out = await fresh('linked');
        const elsewhere = await fresh('elsewhere');
        await symlink(elsewhere, path.join(out, 'conf'));
        const r = await cli(['artifact', 'pull', `${host}/evil/links:v1`, '-o', out]);
        expect(r.code).toBe(6);
        expect(r.stderr).toContain('conf is a symbolic link');
        expect(await readdir(elsewhere)).toEqual([]);
      });

      it('refuses a layer whose bytes do not match its descriptor, leaving nothing in DIR', async () => {
        // The registry holds the blob; the descriptor claims fewer bytes of it, so what arrives is not the digest.
        await craft(url, 'evil/digest', 'v1', [
          { title: 'fine.txt', bytes: Buffer.from('fine') },
          { title: 'short.txt', bytes: Buffer.from('0123456789'), size: 4 },
        ]);
        const out = await fresh('mismatch');
        const r = await cli(['artifact', 'pull', `${host}/evil/digest:v1`, '-o', out]);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/digest mismatch|ended after|larger than/);
        expect(await readdir(out)).toEqual([]);
      });

      it('regctl pull refuses an artifact in moby\'s words, with a hint, and records nothing in the store', async () => {
        const src = await fresh('pull-artifact');
        await writeFile(path.join(src, 'sbom.json'), '{"spdx":1}');
        const ref = `${host}/team/sbom:1`;
        const push = await cli(['artifact', 'push', ref, 'sbom.json', '--artifact-type', 'application/spdx+json'], src);
        expect(push.code, push.stderr).toBe(0);
        const store = await fresh('pull-artifact-store');
        const r = await cli(['--store', store, 'pull', ref]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('Encountered remote "application/vnd.oci.empty.v1+json"(unknown) when fetching');
        expect(r.stderr).toContain(`regctl artifact pull ${ref}`);
        const images = await cli(['--store', store, 'images', '-q']);
        expect(images.stdout.trim()).toBe('');
        // No blob of the artifact was fetched: the refusal comes before the transfer.
        const blobs = await readdir(path.join(store, 'blobs', 'sha256')).catch(() => []);
        expect(blobs).not.toContain(sha256('{"spdx":1}').slice(7));
      });

      it('skips untitled layers as oras does, and refuses a container image', async () => {
        await craft(url, 'team/mixed', 'v1', [{ title: 'kept.txt', bytes: Buffer.from('kept') }, { bytes: Buffer.from('untitled') }]);
        const out = await fresh('mixed');
        const r = await cli(['artifact', 'pull', `${host}/team/mixed:v1`, '-o', out]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('Skipped pulling layers without file name in "org.opencontainers.image.title"');
        expect(await readdir(out)).toEqual(['kept.txt']);
      });
    });
  }

  it('refuses to pull a container image, saying what to do instead', async () => {
    const open = inject('registries').open;
    const out = await fresh('image');
    const r = await cli(['artifact', 'pull', `${open.host}/demo/hello:v1`, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${open.host}/demo/hello:v1 has no files to pull`);
    expect(r.stderr).toContain(`regctl copy ${open.host}/demo/hello:v1 oci:DIR`);
    expect(await readdir(out)).toEqual([]);
    const missing = await cli(['artifact', 'pull', `${open.host}/demo/nothing:v1`, '-o', out]);
    expect(missing.code).toBe(4);
  });
});
