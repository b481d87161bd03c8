// Builds an OCI layout holding one image of several hand-made layers (files, directories,
// symlinks, hardlinks, whiteouts, opaque markers; gzip'd or plain tar), for the export and cat
// tests. Same inputs, same digests.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface LayerFile {
  name: string;
  /** A regular file's content; omit for a directory (or with `symlink` / `link`). */
  content?: string;
  symlink?: string;
  /** A hardlink to this path (of the same layer). */
  link?: string;
  mode?: number;
}

export interface LayeredImageOptions {
  tag?: string;
  /** Write the layers uncompressed (default gzip). */
  plain?: boolean;
  /** The config's media type (an artifact when not an image config). */
  configMediaType?: string;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MTIME = new Date(1_704_067_200_000);

export async function layerTar(files: readonly LayerFile[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const ended = (async () => {
    for await (const c of p) chunks.push(c as Buffer);
  })();
  for (const f of files) {
    if (f.symlink !== undefined) p.entry({ name: f.name, type: 'symlink', linkname: f.symlink, mode: f.mode ?? 0o777, mtime: MTIME });
    else if (f.link !== undefined) p.entry({ name: f.name, type: 'link', linkname: f.link, mode: f.mode ?? 0o644, mtime: MTIME });
    else if (f.content === undefined) p.entry({ name: f.name, type: 'directory', mode: f.mode ?? 0o755, mtime: MTIME });
    else p.entry({ name: f.name, mode: (f.mode ?? 0o644) | 0o100000, mtime: MTIME }, f.content);
  }
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export interface LayeredImage {
  dir: string;
  tag: string;
  digest: string;
  layers: { digest: string; size: number }[];
}

/** Writes `layers` (base first) as one image into the OCI layout `dir`, named `tag`. */
export async function writeLayeredImage(dir: string, layers: readonly (readonly LayerFile[])[], opts: LayeredImageOptions = {}): Promise<LayeredImage> {
  const tag = opts.tag ?? 'latest';
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = async (b: Buffer) => {
    await writeFile(path.join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
    return { digest: sha256(b), size: b.length };
  };
  const descs: { mediaType: string; digest: string; size: number }[] = [];
  const diffIds: string[] = [];
  for (const files of layers) {
    const tar = await layerTar(files);
    diffIds.push(sha256(tar));
    const blob = opts.plain ? tar : gzipSync(tar, { level: 9 });
    descs.push({ mediaType: `application/vnd.oci.image.layer.v1.tar${opts.plain ? '' : '+gzip'}`, ...(await put(blob)) });
  }
  const config = await put(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } })),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: opts.configMediaType ?? 'application/vnd.oci.image.config.v1+json', ...config },
      layers: descs,
    }),
  );
  const m = await put(manifest);
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': tag } }] }),
  );
  return { dir, tag, digest: m.digest, layers: descs };
}

/** The entries of a tar: name -> type, mode, content or link target. */
export async function readTar(tar: Buffer): Promise<Map<string, { type: string; mode: number; content?: string; linkname?: string }>> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  const out = new Map<string, { type: string; mode: number; content?: string; linkname?: string }>();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const h = entry.header;
      out.set(h.name, { type: h.type, mode: h.mode & 0o7777, ...(h.type === 'file' ? { content: Buffer.concat(chunks).toString() } : {}), ...(h.linkname ? { linkname: h.linkname } : {}) });
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

/** Whiteouts, an opaque directory, replaced files, a symlink, a hardlink, mode 0, aufs metadata; base first. */
export const LAYERS: LayerFile[][] = [
  [
    { name: 'etc/' },
    { name: 'etc/keep', content: 'base keep\n' },
    { name: 'etc/gone', content: 'deleted above\n' },
    { name: 'etc/replaced', content: 'old\n' },
    { name: 'opq/' },
    { name: 'opq/lower', content: 'hidden by the opaque marker\n' },
    { name: 'tree/' },
    { name: 'tree/sub/' },
    { name: 'tree/sub/deep', content: 'deleted with its directory\n' },
    { name: 'bin/' },
    { name: 'bin/tool', content: '#!/bin/sh\n', mode: 0o755 },
    { name: 'secret', content: 'mode 0\n', mode: 0o000 },
    { name: 'hard/' },
    { name: 'hard/orig', content: 'deleted, its links stay\n', mode: 0o640 },
    { name: 'hard/twin', link: 'hard/orig' },
    { name: 'hard/trio', link: 'hard/orig' },
    { name: 'hard/old', content: 'replaced, its link keeps this\n' },
    { name: 'hard/keeps-old', link: 'hard/old' },
  ],
  [
    { name: 'etc/' },
    { name: 'etc/.wh.gone', content: '' },
    { name: 'etc/replaced', content: 'new\n', mode: 0o600 },
    { name: 'opq/', mode: 0o700 },
    { name: 'opq/.wh..wh..opq', content: '' },
    { name: 'opq/upper', content: 'same layer as the marker\n' },
    { name: '.wh.tree', content: '' },
    { name: 'link', symlink: 'etc/keep' },
    { name: 'bin/tool2', link: 'bin/tool' },
    { name: 'hard/.wh.orig', content: '' },
    { name: 'hard/old', content: 'the new one\n' },
  ],
  [{ name: './etc/added', content: 'top\n' }, { name: '.wh..wh.plnk', content: '' }],
];

