// cat on hand-built layers in an oci: layout: a file of a lower layer, an upper file replacing
// it, whited-out and opaque-hidden files not found (exit 4 in the CLI), symlinks followed (the
// file's and a directory's), a loop refused, a directory refused, lower layers never read once
// the file is found, and a corrupt layer failing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catFile } from '../../../../src/ops/cat.js';
import type { LocationContext } from '../../../../src/ops/open-location.js';
import { parseLocation } from '../../../../src/reference/location.js';
import { LAYERS, writeLayeredImage, type LayeredImage } from '../../../helpers/layered-image.js';
import { runCli } from '../../../helpers/run-cli.js';

let tmp: string;
let image: LayeredImage;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-cat-'));
  image = await writeLayeredImage(path.join(tmp, 'layout'), [
    ...LAYERS,
    [
      { name: 'usr/' },
      { name: 'usr/bin/' },
      { name: 'usr/bin/sh', content: 'the shell\n' },
      { name: 'sbin', symlink: 'usr/bin' },
      { name: 'abs', symlink: '/etc/keep' },
      { name: 'up', symlink: '../../../etc/replaced' },
      { name: 'loop1', symlink: 'loop2' },
      { name: 'loop2', symlink: 'loop1' },
    ],
  ]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const ctx: LocationContext = {
  remote: () => Promise.reject(new Error('no registry here')),
  store: () => Promise.reject(new Error('no store here')),
};

async function cat(file: string, dir = image.dir): Promise<string> {
  let text = '';
  const out = new Writable({
    write(c: Buffer, _e, cb) {
      text += c.toString();
      cb();
    },
  });
  await catFile(ctx, parseLocation(`oci:${dir}`), file, out);
  return text;
}

describe('catFile', () => {
  it('prints a file of a lower layer, and the upper version of a replaced one', async () => {
    expect(await cat('/etc/keep')).toBe('base keep\n');
    expect(await cat('etc/replaced')).toBe('new\n');
    expect(await cat('/opq/upper')).toBe('same layer as the marker\n');
  });

  it('does not find a whited-out file, one under a deleted directory, or one hidden by an opaque directory', async () => {
    for (const p of ['/etc/gone', '/tree/sub/deep', '/opq/lower', '/nowhere']) {
      await expect(cat(p)).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND', message: `${p}: no such file or directory in oci:${image.dir}` });
    }
  });

  it('follows symlinks inside the image: its own, a directory in the path, absolute, and .. at the root', async () => {
    expect(await cat('/link')).toBe('base keep\n');
    expect(await cat('/sbin/sh')).toBe('the shell\n');
    expect(await cat('/abs')).toBe('base keep\n');
    expect(await cat('/up')).toBe('new\n');
    expect(await cat('/bin/tool2')).toBe('#!/bin/sh\n');
    // A hardlink keeps its target's content even where an upper layer deleted or replaced the target.
    expect(await cat('/hard/twin')).toBe('deleted, its links stay\n');
    expect(await cat('/hard/keeps-old')).toBe('replaced, its link keeps this\n');
    await expect(cat('/hard/orig')).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND' });
    await expect(cat('/loop1')).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('too many levels of symbolic links') });
    await expect(cat('/etc')).rejects.toMatchObject({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('is a directory') });
  });

  it('never reads the layers below the one holding the file, and checks the digest of that one', async () => {
    const dir = path.join(tmp, 'broken-base');
    const broken = await writeLayeredImage(dir, LAYERS);
    const base = path.join(dir, 'blobs', 'sha256', broken.layers[0]!.digest.slice(7));
    await writeFile(base, 'not even gzip');
    expect(await cat('/etc/added', dir)).toBe('top\n');
    await expect(cat('/etc/keep', dir)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    const top = path.join(dir, 'blobs', 'sha256', broken.layers[2]!.digest.slice(7));
    const bytes = await readFile(top);
    bytes[bytes.length - 3] ^= 0xff;
    await writeFile(top, bytes);
    await expect(cat('/etc/added', dir)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
  });
});

describe('regctl cat', () => {
  it('prints the file; a missing one is one line and exit 4; an artifact is refused', async () => {
    const cli = (args: string[]) => runCli(['--config', tmp, '--store', path.join(tmp, 'store'), ...args]);
    const ok = await cli(['cat', `oci:${image.dir}`, '/etc/replaced']);
    expect(ok).toMatchObject({ code: 0, stdout: 'new\n' });
    const missing = await cli(['cat', `oci:${image.dir}`, '/etc/gone']);
    expect(missing.code).toBe(4);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')[0]).toBe(`Error: /etc/gone: no such file or directory in oci:${image.dir}`);
    const art = path.join(tmp, 'artifact');
    await writeLayeredImage(art, LAYERS, { configMediaType: 'application/vnd.example.sbom.config.v1+json' });
    const refused = await cli(['cat', `oci:${art}`, '/etc/keep']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not a container image');
  });

  it('reads the local store and archives as copy names them', async () => {
    const cli = (args: string[]) => runCli(['--config', tmp, '--store', path.join(tmp, 'store'), ...args]);
    const archive = path.join(tmp, 'image.tar');
    for (const dst of ['store:example.com/layered:v1', `docker-archive:${archive}:example.com/layered:v1`, `oci-archive:${archive}.oci:v1`]) {
      const copied = await cli(['copy', '-q', `oci:${image.dir}`, dst]);
      expect(copied.code, copied.stderr).toBe(0);
    }
    for (const src of ['store:example.com/layered:v1', `docker-archive:${archive}`, `oci-archive:${archive}.oci:v1`]) {
      expect(await cli(['cat', src, '/sbin/sh']), src).toMatchObject({ code: 0, stdout: 'the shell\n' });
      const gone = await cli(['cat', src, '/etc/gone']);
      expect(gone.code, src).toBe(4);
    }
  });
});
