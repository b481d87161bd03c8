import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packLayer } from '../../../../src/store/files/layer-pack.js';
import { layerTar } from '../../../helpers/layered-image.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-layer-pack-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function tree(name: string, mtime: number): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(path.join(dir, 'b', 'c'), { recursive: true });
  await writeFile(path.join(dir, 'b', 'c', 'z.txt'), 'z');
  await writeFile(path.join(dir, 'a.sh'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'a.sh'), 0o751);
  await symlink('a.sh', path.join(dir, 'link'));
  await link(path.join(dir, 'a.sh'), path.join(dir, 'hard'));
  for (const f of ['b/c/z.txt', 'a.sh', 'b/c', 'b', '.']) await utimes(path.join(dir, f), mtime, mtime);
  return dir;
}

type Read = { name: string; type: string; mode: number; uid: number; gid: number; mtime: number; linkname?: string; body: string };
async function entries(file: string): Promise<Read[]> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  const out: Read[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c as Buffer);
      const h = e.header;
      out.push({ name: h.name, type: h.type!, mode: h.mode! & 0o7777, uid: h.uid!, gid: h.gid!, mtime: h.mtime!.getTime() / 1000, ...(h.linkname ? { linkname: h.linkname } : {}), body: Buffer.concat(chunks).toString() });
    }
  })();
  ex.end(gunzipSync(await readFile(file)));
  await done;
  return out;
}

describe('packLayer', () => {
  it('a directory: sorted entries under DEST, modes, symlink, hard link as a link, owner 0:0; digests of the file and the tar', async () => {
    const layer = await packLayer(await tree('t1', 1_600_000_000), { dest: '/app' });
    try {
      const got = await entries(layer.file);
      expect(got.map((e) => [e.name, e.type])).toEqual([
        ['app/', 'directory'], ['app/a.sh', 'file'], ['app/b/', 'directory'], ['app/b/c/', 'directory'], ['app/b/c/z.txt', 'file'], ['app/hard', 'link'], ['app/link', 'symlink'],
      ]);
      expect(got.find((e) => e.name === 'app/a.sh')!.mode).toBe(0o751);
      expect(got.find((e) => e.name === 'app/hard')!.linkname).toBe('app/a.sh');
      expect(got.find((e) => e.name === 'app/link')!.linkname).toBe('a.sh');
      expect(got.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
      const bytes = await readFile(layer.file);
      expect(layer.digest).toBe(sha256(bytes));
      expect(layer.size).toBe(bytes.length);
      expect(layer.diffId).toBe(sha256(gunzipSync(bytes)));
      expect(bytes[9]).toBe(0xff);
    } finally {
      await layer.remove();
    }
    await expect(readdir(path.dirname(layer.file))).rejects.toThrow();
  });

  it('DEST / gives no root entry; owner and mtime options; the same tree at other mtimes is one digest with a timestamp, two without', async () => {
    const mtime = new Date('2024-01-01T00:00:00Z');
    const [a, b] = [await tree('t2', 1_600_000_000), await tree('t3', 1_700_000_000)];
    const la = await packLayer(a, { mtime, owner: { uid: 1000, gid: 42 } });
    const lb = await packLayer(b, { mtime, owner: { uid: 1000, gid: 42 } });
    const na = await packLayer(a);
    const nb = await packLayer(b);
    try {
      const got = await entries(la.file);
      expect(got[0]!.name).toBe('a.sh');
      expect(got.every((e) => e.uid === 1000 && e.gid === 42 && e.mtime === 1_704_067_200)).toBe(true);
      expect(la.digest).toBe(lb.digest);
      expect(na.digest).not.toBe(nb.digest);
    } finally {
      await Promise.all([la, lb, na, nb].map((l) => l.remove()));
    }
  });

  it('a tar or tar.gz: names normalised under DEST in their order; an entry that climbs out is refused, nothing left behind', async () => {
    const tar = await layerTar([{ name: './etc/' }, { name: '/etc/conf', content: 'c' }, { name: 'etc/twin', link: 'etc/conf' }, { name: 'etc/.wh.old', content: '' }]);
    for (const [name, bytes] of [['plain.tar', tar], ['packed.tar.gz', gzipSync(tar)]] as const) {
      const file = path.join(tmp, name);
      await writeFile(file, bytes);
      const layer = await packLayer(file, { dest: '/opt' });
      try {
        expect((await entries(layer.file)).map((e) => [e.name, e.linkname])).toEqual([['opt/etc/', undefined], ['opt/etc/conf', undefined], ['opt/etc/twin', 'opt/etc/conf'], ['opt/etc/.wh.old', undefined]]);
      } finally {
        await layer.remove();
      }
    }
    const evil = path.join(tmp, 'evil.tar');
    await writeFile(evil, await layerTar([{ name: 'ok', content: '1' }, { name: 'a/../../x', content: '2' }]));
    const before = (await readdir(tmp)).filter((f) => f.startsWith('regctl-layer-'));
    await expect(packLayer(evil, { dest: '/app', tmpDir: tmp })).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('escapes /app') });
    expect((await readdir(tmp)).filter((f) => f.startsWith('regctl-layer-'))).toEqual(before);
  });

  it('a missing path, a file that is no tar and a fifo are one-line REGCTL_IO errors', async () => {
    await expect(packLayer(path.join(tmp, 'none'))).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('none') });
    const junk = path.join(tmp, 'junk.bin');
    await writeFile(junk, 'this is not a tar at all');
    await expect(packLayer(junk)).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('not a tar') });
    const dir = path.join(tmp, 'with-fifo');
    await mkdir(dir);
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    await expect(packLayer(dir)).rejects.toMatchObject({ code: 'REGCTL_IO', message: expect.stringContaining('pipe') });
  });
});

/** `tar` with the first header's type flag set to `flag` (and its checksum redone). */
function retyped(tar: Buffer, flag: string): Buffer {
  const out = Buffer.from(tar);
  out[156] = flag.charCodeAt(0);
  let sum = 8 * 32;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += out[i]!;
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return out;
}

async function headers(file: string): Promise<Headers[]> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  const out: Headers[] = [];
  const done = (async () => {
    for await (const e of ex) {
      out.push(e.header);
      e.resume();
    }
  })();
  ex.end(gunzipSync(await readFile(file)));
  await done;
  return out;
}
type Headers = import('tar-stream').Header;

describe('packLayer edge cases', () => {
  const temps = async () => (await readdir(tmp)).filter((f) => f.startsWith('regctl-layer-'));

  it('a tar entry of a type it cannot copy (GNU sparse, volume label, PAX sparse) is refused, not left hanging', async () => {
    const before = await temps();
    const plain = await layerTar([{ name: 'v', content: 'abc' }, { name: 'w', content: 'w' }]);
    for (const flag of ['S', 'V']) {
      const file = path.join(tmp, `typed-${flag}.tar`);
      await writeFile(file, retyped(plain, flag));
      await expect(packLayer(file, { tmpDir: tmp })).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('"v"') });
    }
    const { pack } = await import('tar-stream');
    const p = pack();
    p.entry({ name: 'sparse', pax: { 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0' } }, 'x');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    const file = path.join(tmp, 'pax-sparse.tar');
    await writeFile(file, Buffer.concat(chunks));
    await expect(packLayer(file, { tmpDir: tmp })).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('sparse') });
    expect(await temps()).toEqual(before);
  });

  it('owner ids and times beyond the ustar fields are written as PAX records, the fields clamped', async () => {
    const dir = path.join(tmp, 'big-ids');
    await mkdir(dir);
    await writeFile(path.join(dir, 'x'), 'x');
    const later = new Date('2040-01-01T00:00:00Z');
    const layer = await packLayer(dir, { owner: { uid: 300_000, gid: 7 }, mtime: later });
    try {
      const [h] = await headers(layer.file);
      expect([h!.name, h!.uid, h!.gid, h!.mtime!.getTime()]).toEqual(['x', 0o777777, 7, (2 ** 31 - 1) * 1000]);
      expect(h!.pax).toEqual({ path: 'x', uid: '300000', mtime: String(later.getTime() / 1000) });
    } finally {
      await layer.remove();
    }
    const early = await packLayer(dir, { mtime: new Date(-1000) });
    try {
      const [h] = await headers(early.file);
      expect([h!.mtime!.getTime(), (h!.pax as Record<string, string> | undefined)?.mtime]).toEqual([0, '-1']);
    } finally {
      await early.remove();
    }
  });

  it('an abort while packing is REGCTL_ABORTED, with no unhandled rejection and no temp dir left', async () => {
    const dir = path.join(tmp, 'to-abort');
    await mkdir(dir);
    for (let i = 0; i < 20; i++) await writeFile(path.join(dir, `f${i}`), Buffer.alloc(50_000, i));
    const before = await temps();
    await expect(packLayer(dir, { tmpDir: tmp, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    // Let a stray rejection surface before the test ends (vitest fails the run on one).
    await new Promise((r) => setTimeout(r, 50));
    expect(await temps()).toEqual(before);
  });

  it('a source that is a link to a directory: DEST gets the directory\'s mode; a DEST with a trailing slash names it once', async () => {
    const real = path.join(tmp, 'real-dir');
    await mkdir(real);
    await chmod(real, 0o750);
    await writeFile(path.join(real, 'f'), 'f');
    await chmod(path.join(real, 'f'), 0o644);
    await symlink(real, path.join(tmp, 'dir-link'));
    const layer = await packLayer(path.join(tmp, 'dir-link'), { dest: '/app/' });
    try {
      expect((await headers(layer.file)).map((h) => [h.name, h.type, h.mode! & 0o7777])).toEqual([['app/', 'directory', 0o750], ['app/f', 'file', 0o644]]);
    } finally {
      await layer.remove();
    }
  });
});
