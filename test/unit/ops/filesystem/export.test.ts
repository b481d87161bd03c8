// export on hand-built layers in an oci: layout: whiteouts and opaque directories applied, an
// upper file replacing a lower one, markers never written, a corrupt layer failing (and -o then
// leaving no file), artifacts and zstd layers refused.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFilesystem, exportFilesystemToFile } from '../../../../src/ops/export.js';
import type { LocationContext } from '../../../../src/ops/open-location.js';
import { parseLocation } from '../../../../src/reference/location.js';
import { LAYERS, readTar, writeLayeredImage } from '../../../helpers/layered-image.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-export-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const ctx: LocationContext = {
  remote: () => Promise.reject(new Error('no registry here')),
  store: () => Promise.reject(new Error('no store here')),
};

async function collect(location: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
  await exportFilesystem(ctx, parseLocation(location), out);
  return Buffer.concat(chunks);
}

describe('exportFilesystem', () => {
  it('applies the layers in order: replaced files, whiteouts, opaque directories; markers are not written', async () => {
    const dir = path.join(tmp, 'layout');
    await writeLayeredImage(dir, LAYERS, { tag: 'v1' });
    const entries = await readTar(await collect(`oci:${dir}:v1`));
    expect([...entries.keys()].sort()).toEqual(['bin/', 'bin/tool', 'bin/tool2', 'etc/', 'etc/added', 'etc/keep', 'etc/replaced', 'hard/', 'hard/keeps-old', 'hard/old', 'hard/trio', 'hard/twin', 'link', 'opq/', 'opq/upper', 'secret']);
    expect(entries.get('etc/replaced')).toEqual({ type: 'file', mode: 0o600, content: 'new\n' });
    expect(entries.get('etc/keep')?.content).toBe('base keep\n');
    expect(entries.get('opq/')?.mode).toBe(0o700);
    expect(entries.get('link')).toMatchObject({ type: 'symlink', linkname: 'etc/keep' });
    expect(entries.get('bin/tool2')).toMatchObject({ type: 'link', linkname: 'bin/tool' });
    expect(entries.get('bin/tool')).toMatchObject({ mode: 0o755 });
    expect(entries.get('secret')).toMatchObject({ mode: 0 });
    // Hardlinks whose target an upper layer deleted or replaced keep the old content.
    const links = ['hard/twin', 'hard/trio'].map((n) => entries.get(n)!);
    const file = links.find((e) => e.type === 'file')!;
    expect(file).toEqual({ type: 'file', mode: 0o640, content: 'deleted, its links stay\n' });
    expect(links.find((e) => e.type === 'link')?.linkname).toBe(['hard/twin', 'hard/trio'][links.indexOf(file)]);
    expect(entries.get('hard/keeps-old')).toMatchObject({ type: 'file', content: 'replaced, its link keeps this\n' });
    expect(entries.get('hard/old')?.content).toBe('the new one\n');
  });

  it('reads uncompressed layers too', async () => {
    const dir = path.join(tmp, 'plain');
    await writeLayeredImage(dir, LAYERS, { plain: true });
    const entries = await readTar(await collect(`oci:${dir}`));
    expect(entries.has('opq/lower')).toBe(false);
    expect(entries.get('etc/added')?.content).toBe('top\n');
  });

  it('fails on a layer whose bytes are not its digest, and -o then leaves no file', async () => {
    const dir = path.join(tmp, 'corrupt');
    const image = await writeLayeredImage(dir, LAYERS);
    const blob = path.join(dir, 'blobs', 'sha256', image.layers[0]!.digest.slice(7));
    const bytes = await readFile(blob);
    bytes[bytes.length - 5] ^= 0xff;
    await writeFile(blob, bytes);
    await expect(collect(`oci:${dir}`)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    const outDir = path.join(tmp, 'out-corrupt');
    await mkdirp(outDir);
    await expect(exportFilesystemToFile(ctx, parseLocation(`oci:${dir}`), path.join(outDir, 'rootfs.tar'))).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    expect(await readdir(outDir)).toEqual([]);
  });

  it('-o writes the tar to the file', async () => {
    const dir = path.join(tmp, 'to-file');
    await writeLayeredImage(dir, LAYERS);
    const file = path.join(tmp, 'rootfs.tar');
    await exportFilesystemToFile(ctx, parseLocation(`oci:${dir}`), file);
    expect((await readTar(await readFile(file))).get('etc/added')?.content).toBe('top\n');
  });

  it('refuses an artifact and a zstd layer before reading any layer', async () => {
    const art = path.join(tmp, 'artifact');
    await writeLayeredImage(art, LAYERS, { configMediaType: 'application/vnd.example.sbom.config.v1+json' });
    await expect(collect(`oci:${art}`)).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('is not a container image') });
    const zstd = path.join(tmp, 'zstd');
    await writeLayeredImage(zstd, LAYERS);
    const indexFile = path.join(zstd, 'index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as { manifests: { digest: string }[] };
    const manifestFile = path.join(zstd, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7));
    const rewritten = (await readFile(manifestFile, 'utf8')).replaceAll('tar+gzip', 'tar+zstd');
    const { createHash } = await import('node:crypto');
    const hex = createHash('sha256').update(rewritten).digest('hex');
    await writeFile(path.join(zstd, 'blobs', 'sha256', hex), rewritten);
    await writeFile(indexFile, JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex}`, size: Buffer.byteLength(rewritten) }] }));
    await expect(collect(`oci:${zstd}`)).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('zstd') });
  });
});

async function mkdirp(d: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(d, { recursive: true });
}

describe('regctl export', () => {
  it('refuses a terminal as docker export does, and writes -o FILE', async () => {
    const { runCli } = await import('../../../helpers/run-cli.js');
    const dir = path.join(tmp, 'cli');
    await writeLayeredImage(dir, LAYERS);
    const cli = (args: string[], tty = false) => runCli(['--config', tmp, '--store', path.join(tmp, 'store'), ...args], { stdoutIsTTY: tty });
    const refused = await cli(['export', `oci:${dir}`], true);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const file = path.join(tmp, 'cli.tar');
    const r = await cli(['export', '-o', file, `oci:${dir}`], true);
    expect(r.code, r.stderr).toBe(0);
    expect((await readTar(await readFile(file))).get('etc/replaced')?.content).toBe('new\n');
    const piped = await cli(['export', `oci:${dir}`]);
    expect(piped.code, piped.stderr).toBe(0);
    expect((await readTar(Buffer.from(piped.stdout, 'utf8'))).get('etc/added')?.content).toBe('top\n');
  });
});
