// save and load without a registry: the archive's shape (docker >= 25: OCI layout + manifest.json
// + repositories, shared blobs once), a round trip into another store, the older docker save
// format, and hostile archives (escaping names and links, truncation, wrong content), which must
// fail with a message naming the entry, leave index.json untouched and write nothing outside.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, extract } from 'tar-stream';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { putGeneratedImage, type GeneratedImage } from '../../helpers/store-image.js';
import { ustar } from '../../helpers/ustar.js';
import { SMALL_FILE_LIMIT } from '../../../src/store/archive/archive-reader.js';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-saveload-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const newDir = (prefix: string) => mkdtemp(path.join(tmp, prefix));

interface Entry {
  name: string;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  content?: Buffer | string;
  linkname?: string;
}

/** A tar made with tar-stream's pack, so that links and odd names are written as given. */
async function makeTar(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const e of entries) {
    const content = e.content === undefined ? undefined : Buffer.from(e.content);
    const header = { name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}), ...(content ? { size: content.length } : {}) };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (content) p.entry(header, content, cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function tarEntries(file: string): Promise<Map<string, Buffer>> {
  const ex = extract();
  const files = new Map<string, Buffer>();
  const { createReadStream } = await import('node:fs');
  createReadStream(file).pipe(ex);
  for await (const entry of ex) {
    const parts: Buffer[] = [];
    for await (const c of entry) parts.push(c as Buffer);
    expect(files.has(entry.header.name)).toBe(false); // every blob once
    files.set(entry.header.name, Buffer.concat(parts));
  }
  return files;
}

const cli = (store: string, args: string[], opts: Parameters<typeof runCli>[1] = {}) => runCli(['--config', tmp, '--store', store, ...args], opts);
const json = (b: Buffer | undefined) => JSON.parse(b!.toString('utf8')) as unknown;

describe('regctl save', () => {
  let store: string;
  let a: GeneratedImage;
  let multi: GeneratedImage;
  let archive: string;
  beforeAll(async () => {
    store = await newDir('store-');
    const s = await LayoutStore.open(store);
    a = await putGeneratedImage(s, 'docker.io/library/app:1.0');
    multi = await putGeneratedImage(s, 'registry.example:5000/team/multi:v2', {
      platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    });
    expect((await cli(store, ['tag', 'app:1.0', 'app:also'])).code).toBe(0);
    archive = path.join(await newDir('out-'), 'images.tar');
    const r = await cli(store, ['save', '-o', archive, 'app:1.0', 'app:also', 'registry.example:5000/team/multi:v2']);
    expect(r.code, r.stderr).toBe(0);
  });

  it("writes docker 25's format: oci-layout, index.json with both names, manifest.json, repositories, each blob once", async () => {
    const files = await tarEntries(archive);
    expect(json(files.get('oci-layout'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = json(files.get('index.json')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => [m.digest, m.annotations])).toEqual([
      [a.digest, { 'io.containerd.image.name': 'docker.io/library/app:1.0', 'org.opencontainers.image.ref.name': '1.0' }],
      [a.digest, { 'io.containerd.image.name': 'docker.io/library/app:also', 'org.opencontainers.image.ref.name': 'also' }],
      [multi.digest, { 'io.containerd.image.name': 'registry.example:5000/team/multi:v2', 'org.opencontainers.image.ref.name': 'v2' }],
    ]);
    const m = a.manifests[0]!;
    const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
    const manifest = json(files.get('manifest.json')) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    expect(manifest[0]).toEqual({ Config: blob(m.configDigest), RepoTags: ['app:1.0', 'app:also'], Layers: m.layers.map((l) => blob(l.digest)) });
    expect(manifest[1]!.RepoTags).toEqual(['registry.example:5000/team/multi:v2']);
    const top = m.layers.at(-1)!.digest.slice(7);
    expect(json(files.get('repositories'))).toMatchObject({ app: { '1.0': top, also: top } });
    // Every blob of both images (the index, both platform manifests) and nothing else, content = name.
    const blobs = [...files.keys()].filter((n) => n.startsWith('blobs/'));
    const want = [a.digest, m.configDigest, ...m.layers.map((l) => l.digest), multi.digest, ...multi.manifests.flatMap((x) => [x.digest, x.configDigest, ...x.layers.map((l) => l.digest)])];
    expect(blobs.sort()).toEqual(want.map(blob).sort());
    for (const n of blobs) expect(sha256(files.get(n)!)).toBe(`sha256:${n.split('/')[2]}`);
  });

  it('loads back into another store with the same names and digests', async () => {
    const other = await newDir('store2-');
    const r = await cli(other, ['load', '-i', archive]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Loaded image: app:1.0\nLoaded image: app:also\nLoaded image: registry.example:5000/team/multi:v2\n');
    const images = await (await LayoutStore.open(other)).listImages();
    expect(images.map((i) => [i.name, i.descriptor.digest]).sort()).toEqual([
      ['docker.io/library/app:1.0', a.digest],
      ['docker.io/library/app:also', a.digest],
      ['registry.example:5000/team/multi:v2', multi.digest],
    ]);
    expect(await (await LayoutStore.open(other)).validate()).toEqual([]);
    // docker load -q only hides progress; the Loaded lines stay.
    const q = await cli(other, ['load', '-q', '-i', archive]);
    expect([q.code, q.stdout]).toEqual([0, r.stdout]);
  });

  it('an archive holding only some platforms of an index loads the platform present (as docker\'s containerd store saves it)', async () => {
    const files = await tarEntries(archive);
    const arm = multi.manifests.find((m) => m.platform.architecture === 'arm64')!;
    const amd = multi.manifests.find((m) => m.platform.architecture === 'amd64')!;
    const dropped = new Set([arm.digest, arm.configDigest, ...arm.layers.map((l) => l.digest)].map((d) => `blobs/sha256/${d.slice(7)}`));
    const index = json(files.get('index.json')) as { manifests: { digest: string }[] };
    const kept = [...files].filter(([name]) => !dropped.has(name) && name !== 'manifest.json' && name !== 'index.json');
    const onlyMulti = { ...index, manifests: index.manifests.filter((m) => m.digest === multi.digest) };
    const tar = await makeTar([...kept.map(([name, content]) => ({ name, content })), { name: 'index.json', content: JSON.stringify(onlyMulti) }]);
    const dir = await newDir('partial-');
    await writeFile(path.join(dir, 'p.tar'), tar);
    const other = path.join(dir, 'store');
    const r = await cli(other, ['load', '-i', path.join(dir, 'p.tar')]);
    expect(r.code, r.stderr).toBe(0);
    const image = (await (await LayoutStore.open(other)).getImage('registry.example:5000/team/multi:v2'))!;
    expect([image.descriptor.digest, image.descriptor.platform]).toEqual([amd.digest, amd.platform]);
  });

  it('a repository without a tag saves every local tag of it, as docker save does', async () => {
    const out = path.join(await newDir('all-'), 'app.tar');
    const r = await cli(store, ['save', '-o', out, 'app']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = json((await tarEntries(out)).get('manifest.json')) as { RepoTags: string[] }[];
    expect(manifest.map((m) => m.RepoTags)).toEqual([['app:1.0', 'app:also']]);
  });

  it('refuses to write a tar to a terminal, and a missing image writes no file', async () => {
    const r = await cli(store, ['save', 'app:1.0'], { stdoutIsTTY: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const dir = await newDir('none-');
    const missing = await cli(store, ['save', '-o', path.join(dir, 'x.tar'), 'app:1.0', 'nope:1']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('No such image: nope:1');
    expect(await readdir(dir)).toEqual([]);
  });

  it('-o into a missing directory fails in one line naming the directory, before any image is read', async () => {
    const dir = await newDir('nodir-');
    const out = path.join(dir, 'absent', 'x.tar');
    const r = await cli(store, ['save', '-o', out, 'nope:1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(`Error: failed to save image: invalid output path: directory "${path.join(dir, 'absent')}" does not exist`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('-o replaces an existing file only when the archive is complete, and a failed save leaves it as it was', async () => {
    const dir = await newDir('replace-');
    const out = path.join(dir, 'x.tar');
    await writeFile(out, 'previous archive');
    const failed = await cli(store, ['save', '-o', out, 'app:1.0', 'nope:1']);
    expect(failed.code).toBe(4);
    expect(await readFile(out, 'utf8')).toBe('previous archive');
    const ok = await cli(store, ['save', '-o', out, 'app:1.0']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(json((await tarEntries(out)).get('manifest.json'))).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['x.tar']);
  });
});

describe('regctl load', () => {
  it('reads the older docker save format (layer.tar directories, VERSION, <hex>.json) and builds a Docker v2 manifest', async () => {
    const layer = ustar([{ name: 'hello.txt', content: `hello ${randomBytes(4).toString('hex')}\n` }]);
    const diffId = sha256(layer);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [diffId] } }));
    const id = sha256(config).slice(7);
    const v1 = randomBytes(32).toString('hex');
    const tar = ustar([
      { name: `${v1}/` },
      { name: `${v1}/VERSION`, content: '1.0' },
      { name: `${v1}/json`, content: JSON.stringify({ id: v1 }) },
      { name: `${v1}/layer.tar`, content: layer },
      { name: `${id}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${id}.json`, RepoTags: ['old/format:v1'], Layers: [`${v1}/layer.tar`] }]) },
      { name: 'repositories', content: JSON.stringify({ 'old/format': { v1 } }) },
    ]);
    const store = await newDir('old-');
    const file = path.join(store, '..', `old-${v1.slice(0, 6)}.tar`);
    await writeFile(file, tar);
    const r = await cli(store, ['load', '-i', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Loaded image: old/format:v1\n');
    const s = await LayoutStore.open(store);
    const image = (await s.getImage('docker.io/old/format:v1'))!;
    expect(image.descriptor.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const manifest = JSON.parse((await s.readBlobBytes(image.descriptor.digest)).toString()) as { config: { digest: string }; layers: { mediaType: string; digest: string }[] };
    expect(manifest.config.digest).toBe(`sha256:${id}`);
    expect(manifest.layers).toEqual([{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: diffId, size: layer.length }]);
    const inspect = await cli(store, ['inspect', '--format', '{{.Id}}', 'old/format:v1']);
    expect(inspect.stdout.trim()).toBe(`sha256:${id}`);
  });

  it.each([
    ['a RepoTags entry with a digest (docker load: invalid tag)', (digest: string) => ({ repoTags: [`evil/app@${digest}`] }), /names an invalid tag "evil\/app@sha256:[0-9a-f]{64}"/],
    ['an index.json name whose digest is not the image\'s', (digest: string) => ({ refName: `docker.io/evil/app@${digest}` }), /names docker\.io\/evil\/app@sha256:[0-9a-f]{64} for an image whose digest is/],
  ])('refuses %s, and nothing is indexed', async (_what, naming, message) => {
    const layer = ustar([{ name: 'a.txt', content: randomBytes(8).toString('hex') }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }] }));
    // The digest a name claims: some other image's.
    const other = sha256(randomBytes(16));
    const { repoTags, refName } = naming(other) as { repoTags?: string[]; refName?: string };
    const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha256(b).slice(7)}`, content: b });
    const tar = ustar([
      { name: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
      blob(layer),
      blob(config),
      blob(manifest),
      { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, ...(refName ? { annotations: { 'io.containerd.image.name': refName } } : {}) }] }) },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `blobs/sha256/${sha256(config).slice(7)}`, RepoTags: repoTags ?? null, Layers: [`blobs/sha256/${sha256(layer).slice(7)}`] }]) },
    ]);
    const store = await newDir('digest-name-');
    const file = path.join(store, '..', `digest-name-${randomBytes(4).toString('hex')}.tar`);
    await writeFile(file, tar);
    const r = await cli(store, ['load', '-i', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect((await cli(store, ['images', '-q'])).stdout).toBe('');
  });

  it('stages a layer above the small-file limit on disk, stores it verified, and leaves no staging file', async () => {
    const layer = ustar([{ name: 'big.bin', content: randomBytes(SMALL_FILE_LIMIT + 100_000) }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
    const id = sha256(config).slice(7);
    const tar = ustar([
      { name: 'big/layer.tar', content: layer },
      { name: `${id}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${id}.json`, RepoTags: ['big/old:v1'], Layers: ['big/layer.tar'] }]) },
    ]);
    const store = await newDir('big-');
    const file = path.join(store, '..', `big-${id.slice(0, 6)}.tar`);
    await writeFile(file, tar);
    const r = await cli(store, ['load', '-i', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(sha256(await readFile(path.join(store, 'blobs', 'sha256', sha256(layer).slice(7))))).toBe(sha256(layer));
    expect(await readdir(path.join(store, '.regctl', 'staging'))).toEqual([]);
  });

  it('refuses an old-format layer whose content is not the diff ID its config names', async () => {
    const layer = ustar([{ name: 'a.txt', content: 'a' }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256('something else')] } }));
    const id = sha256(config).slice(7);
    const tar = ustar([
      { name: 'l/layer.tar', content: layer },
      { name: `${id}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${id}.json`, RepoTags: ['bad/old:v1'], Layers: ['l/layer.tar'] }]) },
    ]);
    const store = await newDir('baddiff-');
    const file = path.join(store, '..', `baddiff-${id.slice(0, 6)}.tar`);
    await writeFile(file, tar);
    const r = await cli(store, ['load', '-i', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('layer l/layer.tar in the archive does not match the image config');
    expect(await (await LayoutStore.open(store)).listImages()).toEqual([]);
  });

  it('refuses to read an archive from a terminal', async () => {
    const r = await cli(await newDir('tty-'), ['load'], { stdinIsTTY: true });
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'Error: requested load from stdin, but stdin is empty']);
  });

  it('reads from stdin', async () => {
    const store = await newDir('stdin-');
    const src = await newDir('stdin-src-');
    await putGeneratedImage(await LayoutStore.open(src), 'docker.io/library/piped:1');
    const out = path.join(src, '..', 'piped.tar');
    expect((await cli(src, ['save', '-o', out, 'piped:1'])).code).toBe(0);
    const bytes = await readFile(out);
    // run-cli's stdin is text; latin1 round-trips every byte.
    const r = await runCliWithBytes(store, bytes);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Loaded image: piped:1\n');
  });

  describe('hostile archives: refused, index.json unchanged, nothing outside the store', () => {
    let store: string;
    let indexBefore: string;
    let valid: { layout: Entry[]; blob: { name: string; content: Buffer } };
    beforeAll(async () => {
      const root = await newDir('hostile-');
      store = path.join(root, 'store');
      const s = await LayoutStore.open(store);
      await putGeneratedImage(s, 'docker.io/library/keep:1');
      indexBefore = await readFile(path.join(store, 'index.json'), 'utf8');
      const content = Buffer.from('{"not":"what the name says"}');
      valid = { layout: [{ name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' }], blob: { name: `blobs/sha256/${sha256(content).slice(7)}`, content } };
    });

    const cases: [string, () => Promise<Entry[]>, RegExp][] = [
      ['a name climbing out with ..', async () => [{ name: '../x', content: 'pwned' }], /refusing archive entry "\.\.\/x": the path contains "\.\."/],
      ['a nested .. name', async () => [{ name: 'blobs/../../x', content: 'pwned' }], /refusing archive entry "blobs\/\.\.\/\.\.\/x"/],
      ['an absolute path', async () => [{ name: '/etc/x', content: 'pwned' }], /refusing archive entry "\/etc\/x": absolute path/],
      ['a symlink leaving the archive', async () => [{ name: 'evil', type: 'symlink', linkname: '../../x' }], /refusing archive entry "evil": symlink to \.\.\/\.\.\/x points outside the archive/],
      ['a symlink to an absolute path', async () => [{ name: 'manifest.json', type: 'symlink', linkname: '/etc/passwd' }], /refusing archive entry "manifest.json": symlink to the absolute path \/etc\/passwd/],
      ['a hardlink leaving the archive', async () => [{ name: 'h', type: 'link', linkname: '../x' }], /refusing archive entry "h": link to \.\.\/x points outside the archive/],
      ['a blob whose content does not match its name', async () => [...valid.layout, { name: valid.blob.name.replace(/.$/, (c) => (c === '0' ? '1' : '0')), content: valid.blob.content }], /refusing archive entry "blobs\/sha256\/[0-9a-f]{64}": its content does not match the digest in its name/],
    ];

    it.each(cases)('%s', async (_what, entries, message) => {
      const tar = await makeTar([...(await entries()), { name: 'manifest.json.real', content: '[]' }]);
      await expectRefused(tar, message);
    });

    it('a truncated archive', async () => {
      const big = randomBytes(200_000);
      const tar = await makeTar([...valid.layout, { name: `blobs/sha256/${sha256(big).slice(7)}`, content: big }]);
      await expectRefused(tar.subarray(0, 100_000), /cannot read the archive.*it is truncated/);
    });

    it('an archive without index.json or manifest.json', async () => {
      await expectRefused(await makeTar([{ name: 'hello.txt', content: 'hi' }]), /neither index\.json nor manifest\.json/);
    });

    async function expectRefused(tar: Buffer, message: RegExp): Promise<void> {
      const file = path.join(path.dirname(store), `in-${randomBytes(4).toString('hex')}.tar`);
      await writeFile(file, tar);
      const r = await cli(store, ['load', '-i', file]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stdout).toBe('');
      expect(await readFile(path.join(store, 'index.json'), 'utf8')).toBe(indexBefore);
      // Sentinels: where ../x, ../../x and a store-relative /etc/x would have landed.
      for (const p of [path.join(store, '..', 'x'), path.join(store, '..', '..', 'x'), path.join(store, 'x'), path.join(store, 'etc')]) expect(existsSync(p), p).toBe(false);
      expect(await readdir(path.join(store, '.regctl', 'staging')).catch(() => [])).toEqual([]);
      await rm(file);
    }
  });
});

/** The CLI with binary stdin (run-cli takes a string). */
async function runCliWithBytes(store: string, bytes: Buffer) {
  const { main } = await import('../../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from([bytes]) as Readable & { isTTY?: boolean };
  const code = await main(['--config', tmp, '--store', store, 'load'], {
    io: {
      stdout: { write: (c: string | Uint8Array) => ((stdout += c.toString()), true), isTTY: false },
      stderr: { write: (c: string | Uint8Array) => ((stderr += c.toString()), true), isTTY: false },
      stdin,
      env: process.env,
    },
  });
  return { code, stdout, stderr };
}
