// An output directory as an artifact destination, through the transfer engine: files and
// directories round-trip; nothing is written outside DIR (absolute or `..` titles, tar entries
// climbing out, symbolic links on the way); existing files are kept unless overwrite; a digest
// mismatch leaves DIR as it was.
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_EMPTY, OCI_IMAGE_MANIFEST } from '../../../../src/oci/media-types.js';
import type { Descriptor } from '../../../../src/oci/manifest.js';
import { transfer } from '../../../../src/ops/transfer.js';
import type { ImageSource } from '../../../../src/store/backend.js';
import { artifactEntries } from '../../../../src/store/files/artifact-entries.js';
import { openFilesDestination, type FilesDestinationOptions } from '../../../../src/store/files/image-destination.js';
import { openFilesSource } from '../../../../src/store/files/image-source.js';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const TITLE = 'org.opencontainers.image.title';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-files-dst-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
const fresh = async (name: string) => {
  const dir = path.join(tmp, `${name}-${n++}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

/** An artifact whose layers and blob bytes the test chooses (a hostile registry's). */
function memorySource(layers: { descriptor: Descriptor; bytes: Buffer }[], reads: string[] = []): ImageSource {
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_MANIFEST, artifactType: 'x/y', config: { mediaType: OCI_EMPTY, digest: sha256('{}'), size: 2 }, layers: layers.map((l) => l.descriptor) }));
  const result = { bytes: manifest, mediaType: OCI_IMAGE_MANIFEST, digest: sha256(manifest), size: manifest.length };
  return {
    name: 'memory',
    manifest: async () => result,
    blobBytes: async () => Buffer.from('{}'),
    blob: (d) => ({
      digest: d.digest,
      size: d.size,
      read: async function* (start, end) {
        reads.push(d.digest);
        yield layers.find((l) => l.descriptor.digest === d.digest)!.bytes.subarray(start, end);
      },
    }),
    close: async () => undefined,
  };
}

async function pullInto(source: ImageSource, dir: string, opts: FilesDestinationOptions = {}) {
  const top = await source.manifest();
  const { entries } = artifactEntries(JSON.parse(top.bytes.toString('utf8')).layers, dir);
  const dst = await openFilesDestination(dir, entries, opts);
  try {
    const blobs = entries.map((e) => e.descriptor).filter((d, i, all) => all.findIndex((x) => x.digest === d.digest) === i);
    await transfer(source, dst, { plan: { resolved: top, manifests: [top], blobs, layerIds: new Map() } });
    return dst.written;
  } finally {
    await dst.close();
  }
}

const fileLayer = (title: string, bytes: Buffer | string, digest?: string) => {
  const b = Buffer.from(bytes);
  return { descriptor: { mediaType: 'application/octet-stream', digest: digest ?? sha256(b), size: b.length, annotations: { [TITLE]: title } }, bytes: b };
};

/** A directory layer from hand-made tar entries (what a hostile artifact may hold). */
async function dirLayer(title: string, entries: { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; body?: string; linkname?: string }[], tarDigest?: string) {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) };
      if (header.type === 'file') p.entry(header, e.body ?? '', (err) => (err ? reject(err) : resolve()));
      else p.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  await ended;
  const tar = Buffer.concat(chunks);
  const gz = gzipSync(tar);
  return {
    descriptor: {
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: sha256(gz),
      size: gz.length,
      annotations: { 'io.deis.oras.content.digest': tarDigest ?? sha256(tar), 'io.deis.oras.content.unpack': 'true', [TITLE]: title },
    },
    bytes: gz,
  };
}

describe('files destination', () => {
  it('round-trips files, one content under two names, and a directory with a nested file and a relative symlink', async () => {
    const src = await fresh('src');
    await writeFile(path.join(src, 'a.txt'), 'same');
    await writeFile(path.join(src, 'b.txt'), 'same');
    await mkdir(path.join(src, 'docs', 'deep'), { recursive: true });
    await writeFile(path.join(src, 'docs', 'deep', 'x.md'), 'x');
    await symlink('deep/x.md', path.join(src, 'docs', 'link'));
    const source = await openFilesSource(['a.txt', 'b.txt', 'docs'].map((f) => ({ path: path.join(src, f) })));
    const out = path.join(await fresh('out'), 'new-dir');
    try {
      const written = await pullInto(source, out);
      expect(written).toEqual(['a.txt', 'b.txt', 'docs'].map((f) => path.join(out, f)));
    } finally {
      await source.close();
    }
    expect(await readFile(path.join(out, 'a.txt'), 'utf8')).toBe('same');
    expect(await readFile(path.join(out, 'b.txt'), 'utf8')).toBe('same');
    expect(await readFile(path.join(out, 'docs', 'deep', 'x.md'), 'utf8')).toBe('x');
    expect(await readlink(path.join(out, 'docs', 'link'))).toBe('deep/x.md');
    expect((await readdir(out)).sort()).toEqual(['a.txt', 'b.txt', 'docs']);
  });

  it("writes a title with subdirectories (oras keeps the pushed path) below DIR", async () => {
    const out = await fresh('subdirs');
    await pullInto(memorySource([fileLayer('conf/app/settings.yaml', 'k: v')]), out);
    expect(await readFile(path.join(out, 'conf', 'app', 'settings.yaml'), 'utf8')).toBe('k: v');
  });

  it('keeps an existing file unless overwrite, fetching nothing; overwrite replaces files and directories', async () => {
    const out = await fresh('exists');
    await writeFile(path.join(out, 'a.txt'), 'mine');
    const reads: string[] = [];
    await expect(pullInto(memorySource([fileLayer('a.txt', 'theirs')], reads), out)).rejects.toMatchObject({ code: 'REGCTL_IO', message: `${path.join(out, 'a.txt')} already exists`, hint: expect.stringContaining('--overwrite') });
    expect(reads).toEqual([]);
    expect(await readFile(path.join(out, 'a.txt'), 'utf8')).toBe('mine');
    await pullInto(memorySource([fileLayer('a.txt', 'theirs')]), out, { overwrite: true });
    expect(await readFile(path.join(out, 'a.txt'), 'utf8')).toBe('theirs');

    await mkdir(path.join(out, 'docs'));
    await writeFile(path.join(out, 'docs', 'old.md'), 'old');
    await pullInto(memorySource([await dirLayer('docs', [{ name: 'docs', type: 'directory' }, { name: 'docs/new.md', body: 'new' }])]), out, { overwrite: true });
    expect(await readdir(path.join(out, 'docs'))).toEqual(['new.md']);
    expect((await readdir(out)).sort()).toEqual(['a.txt', 'docs']);
  });

  it.each(['../evil.txt', '/tmp/evil.txt', 'a/../../evil.txt', '..\\evil.txt', 'C:\\evil.txt', '.', 'nul\0byte'])('refuses the title %j before anything is written', async (title) => {
    const parent = await fresh('escape');
    const out = path.join(parent, 'out');
    const reads: string[] = [];
    await expect(pullInto(memorySource([fileLayer(title, 'evil')], reads), out)).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('refusing to write') });
    expect(reads).toEqual([]);
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a symbolic link in DIR on the way, leaving its target alone', async () => {
    const out = await fresh('link-way');
    const outside = await fresh('outside');
    await symlink(outside, path.join(out, 'sub'));
    await expect(pullInto(memorySource([fileLayer('sub/x.txt', 'evil')]), out)).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('sub is a symbolic link') });
    expect(await readdir(outside)).toEqual([]);
    expect(await readdir(out)).toEqual(['sub']);
  });

  it('refuses a blob whose bytes are not its digest, leaving DIR as it was', async () => {
    const out = await fresh('mismatch');
    await writeFile(path.join(out, 'keep.txt'), 'keep');
    const good = fileLayer('good.txt', 'good');
    const bad = fileLayer('bad.txt', 'tampered', sha256('original'));
    await expect(pullInto(memorySource([good, bad]), out)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    expect(await readdir(out)).toEqual(['keep.txt']);
  });

  it.each([
    ['an entry climbing out', [{ name: 'docs/../../evil' }], /leaves|not under docs/],
    ['an absolute entry', [{ name: '/tmp/evil' }], /absolute path/],
    ['an entry outside the title', [{ name: 'other/evil' }], /not under docs\//],
    ['a symlink to an absolute path', [{ name: 'docs/l', type: 'symlink' as const, linkname: '/etc' }], /absolute path \/etc/],
    ['a symlink climbing out', [{ name: 'docs/l', type: 'symlink' as const, linkname: '../..' }], /not under docs/],
    ['a write through a symlink', [{ name: 'docs/sub', type: 'directory' as const }, { name: 'docs/l', type: 'symlink' as const, linkname: 'sub' }, { name: 'docs/l/x', body: 'x' }], /l is a symbolic link/],
    ['a hard link to a file outside', [{ name: 'docs/h', type: 'link' as const, linkname: '../etc/passwd' }], /not under docs/],
  ])('refuses a directory layer with %s, leaving nothing', async (_what, entries, why) => {
    const parent = await fresh('tar');
    const out = path.join(parent, 'out');
    await expect(pullInto(memorySource([await dirLayer('docs', [{ name: 'docs', type: 'directory' }, ...entries])]), out)).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringMatching(why) });
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a directory layer whose tar is not its io.deis.oras.content.digest', async () => {
    const out = await fresh('tar-digest');
    const layer = await dirLayer('docs', [{ name: 'docs', type: 'directory' }, { name: 'docs/a', body: 'a' }], sha256('another tar'));
    await expect(pullInto(memorySource([layer]), out)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    expect(await readdir(out)).toEqual([]);
  });

  it('unpacks hard links and symlinks that stay inside', async () => {
    const out = await fresh('links-ok');
    const layer = await dirLayer('docs', [
      { name: 'docs', type: 'directory' },
      { name: 'docs/a', body: 'a' },
      { name: 'docs/hard', type: 'link', linkname: 'docs/a' },
      { name: 'docs/soft', type: 'symlink', linkname: 'a' },
    ]);
    await pullInto(memorySource([layer]), out);
    expect(await readFile(path.join(out, 'docs', 'hard'), 'utf8')).toBe('a');
    expect((await lstat(path.join(out, 'docs', 'soft'))).isSymbolicLink()).toBe(true);
  });
});
