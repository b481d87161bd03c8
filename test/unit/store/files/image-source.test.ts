// Local files as an artifact source: the manifest oras would write for them, a directory packed
// as oras packs it (entries under the title, annotations), blobs streamed from disk, a changed
// file refused, temp files removed on close.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, symlink, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFilesSource } from '../../../../src/store/files/image-source.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-files-src-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function readAll(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of it) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('openFilesSource', () => {
  it("builds oras's manifest for files: title = base name, layer.v1.tar, the empty config, the unknown artifact type", async () => {
    const a = path.join(tmp, 'a.txt');
    await writeFile(a, 'hello');
    const sub = path.join(tmp, 'sub');
    await mkdir(sub);
    await writeFile(path.join(sub, 'b.json'), '{"b":1}');
    const source = await openFilesSource([{ path: a }, { path: path.join(sub, 'b.json'), mediaType: 'application/json' }], {
      annotations: { 'com.example': 'yes' },
      created: new Date('2024-01-01T00:00:00Z'),
    });
    try {
      const manifest = JSON.parse((await source.manifest()).bytes.toString('utf8'));
      expect(manifest).toEqual({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.unknown.artifact.v1',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2, data: 'e30=' },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('hello'), size: 5, annotations: { 'org.opencontainers.image.title': 'a.txt' } },
          { mediaType: 'application/json', digest: sha256('{"b":1}'), size: 7, annotations: { 'org.opencontainers.image.title': 'b.json' } },
        ],
        annotations: { 'com.example': 'yes', 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
      });
      expect(await readAll(source.blob(manifest.layers[0]).read(1, 4))).toEqual(Buffer.from('ell'));
      expect(await source.blobBytes(sha256('{}'), 10)).toEqual(Buffer.from('{}'));
    } finally {
      await source.close();
    }
  });

  it('with no files: the empty descriptor as the one layer (image-spec 1.1 guidelines)', async () => {
    const source = await openFilesSource([], { artifactType: 'application/vnd.example.note', annotations: { note: 'x' } });
    const manifest = JSON.parse(source.artifact.bytes.toString('utf8'));
    expect(manifest.layers).toEqual([{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2, data: 'e30=' }]);
    await source.close();
  });

  it("a config file: its default type, no artifactType (oras's image-spec 1.0 form) unless one is given", async () => {
    const config = path.join(tmp, 'config.json');
    await writeFile(config, '{"c":1}');
    const a = path.join(tmp, 'a.txt');
    const plain = await openFilesSource([{ path: a }], { config: { path: config } });
    const m = JSON.parse(plain.artifact.bytes.toString('utf8'));
    expect(m.artifactType).toBeUndefined();
    expect(m.config).toEqual({ mediaType: 'application/vnd.unknown.config.v1+json', digest: sha256('{"c":1}'), size: 7 });
    expect(await plain.blobBytes(sha256('{"c":1}'), 100)).toEqual(Buffer.from('{"c":1}'));
    await plain.close();
    const typed = await openFilesSource([{ path: a }], { config: { path: config, mediaType: 'application/vnd.me.config' }, artifactType: 'application/vnd.me' });
    const t = JSON.parse(typed.artifact.bytes.toString('utf8'));
    expect([t.artifactType, t.config.mediaType]).toEqual(['application/vnd.me', 'application/vnd.me.config']);
    await typed.close();
  });

  it('packs a directory as oras does: tar+gzip, entries under the title, tar digest and unpack annotations; the temp file goes on close', async () => {
    const dir = path.join(tmp, 'docs');
    await mkdir(path.join(dir, 'deep'), { recursive: true });
    await writeFile(path.join(dir, 'z.md'), 'zz');
    await writeFile(path.join(dir, 'deep', 'a.md'), 'aa');
    await symlink('z.md', path.join(dir, 'link'));
    const when = new Date('2023-03-03T03:03:03Z');
    await utimes(path.join(dir, 'z.md'), when, when);
    const packDir = path.join(tmp, 'packing');
    await mkdir(packDir);
    const source = await openFilesSource([{ path: dir }], { tmpDir: packDir });
    const layer = source.layers[0]!;
    expect(layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(Object.keys(layer.annotations!)).toEqual(['io.deis.oras.content.digest', 'io.deis.oras.content.unpack', 'org.opencontainers.image.title']);
    expect(layer.annotations!['io.deis.oras.content.unpack']).toBe('true');
    expect(layer.annotations!['org.opencontainers.image.title']).toBe('docs');
    const gz = await readAll(source.blob(layer).read(0, layer.size));
    expect(sha256(gz)).toBe(layer.digest);
    const tar = await readAll(Readable.from([gz]).pipe(createGunzip()));
    expect(sha256(tar)).toBe(layer.annotations!['io.deis.oras.content.digest']);
    const entries: { name: string; type: string | null | undefined; uid: number | undefined; mtime: Date | undefined; linkname: string | null | undefined }[] = [];
    const ex = extract();
    Readable.from([tar]).pipe(ex);
    for await (const e of ex) {
      entries.push({ name: e.header.name, type: e.header.type, uid: e.header.uid, mtime: e.header.mtime, linkname: e.header.linkname });
      e.resume();
    }
    expect(entries.map((e) => [e.name.replace(/\/$/, ''), e.type])).toEqual([
      ['docs', 'directory'],
      ['docs/deep', 'directory'],
      ['docs/deep/a.md', 'file'],
      ['docs/link', 'symlink'],
      ['docs/z.md', 'file'],
    ]);
    expect(entries.every((e) => e.uid === 0)).toBe(true);
    expect(entries.find((e) => e.name === 'docs/link')!.linkname).toBe('z.md');
    expect(entries.find((e) => e.name === 'docs/z.md')!.mtime).toEqual(when);
    expect(await readdir(packDir)).toHaveLength(1);
    await source.close();
    expect(await readdir(packDir)).toEqual([]);
  });

  it('refuses two files of one name, a missing file, and a file changed after it was hashed', async () => {
    await mkdir(path.join(tmp, 'x'), { recursive: true });
    await writeFile(path.join(tmp, 'x', 'a.txt'), 'other');
    await expect(openFilesSource([{ path: path.join(tmp, 'a.txt') }, { path: path.join(tmp, 'x', 'a.txt') }])).rejects.toMatchObject({ code: 'REGCTL_USAGE', message: expect.stringContaining('a.txt: duplicate name') });
    await expect(openFilesSource([{ path: path.join(tmp, 'nope') }])).rejects.toMatchObject({ code: 'REGCTL_IO', message: `${path.join(tmp, 'nope')}: no such file or directory` });
    const changing = path.join(tmp, 'changing.txt');
    await writeFile(changing, 'one');
    const source = await openFilesSource([{ path: changing }]);
    await writeFile(changing, 'three');
    await expect(readAll(source.blob(source.layers[0]!).read(0, 3))).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('changed after it was hashed') });
    await source.close();
  });
});
