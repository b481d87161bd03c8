// Archives for the archive backends' tests, made with node only: the tar of a directory (an
// OCI layout becomes an oci-archive), an old-format docker-archive (manifest.json + config +
// layer files, as docker save < 25 and skopeo write it), and a minimal copy loop from an
// ImageSource into an ImageDestination (the real engine is ops/transfer.ts; these tests are
// about the backends, not about it).
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pack } from 'tar-stream';
import { parseManifest } from '../../src/oci/manifest.js';
import type { ImageDestination, ImageSource, ManifestResult } from '../../src/store/backend.js';

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface TarFile {
  name: string;
  content: Buffer | string;
}

/** A tar of the given files, in order (tar-stream's pack). */
export async function makeTar(files: readonly TarFile[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const f of files) {
    await new Promise<void>((resolve, reject) => p.entry({ name: f.name }, Buffer.from(f.content), (err) => (err ? reject(err) : resolve())));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Every regular file under `dir`, names relative to it, sorted. */
export async function filesOf(dir: string): Promise<TarFile[]> {
  const out: TarFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.push({ name: path.relative(dir, full), content: await readFile(full) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** `dir` (an OCI layout) as an oci-archive file. */
export async function tarDirectory(dir: string, file: string): Promise<void> {
  await writeFile(file, await makeTar(await filesOf(dir)));
}

export interface OldImage {
  repoTags: string[] | null;
  /** Layer files as stored in the archive (plain tars, or already gzip'd bytes). */
  layers: { stored: Buffer; diffId: string }[];
}

/** An old-format docker-archive: `<hex>.json` configs, `<n>/layer.tar` files, manifest.json. */
export function oldDockerArchive(images: readonly OldImage[]): Promise<Buffer> {
  const files: TarFile[] = [];
  const manifest = images.map((image, i) => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: image.layers.map((l) => l.diffId) } }));
    const configName = `${sha256(config).slice(7)}.json`;
    files.push({ name: configName, content: config });
    const layers = image.layers.map((l, j) => {
      const name = `${i}-${j}/layer.tar`;
      files.push({ name, content: l.stored });
      return name;
    });
    return { Config: configName, RepoTags: image.repoTags, Layers: layers };
  });
  files.push({ name: 'manifest.json', content: JSON.stringify(manifest) });
  return makeTar(files);
}

/** Copies the source's image (every platform of an index) into the destination and commits. */
export async function copyImage(src: ImageSource, dst: ImageDestination): Promise<ManifestResult> {
  const manifests: ManifestResult[] = [];
  const visit = async (m: ManifestResult): Promise<void> => {
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.index.manifests) await visit(await src.manifest(child.digest));
    } else {
      for (const blob of [parsed.manifest.config, ...parsed.manifest.layers]) await dst.putBlob(blob, src.blob(blob));
    }
    manifests.push(m);
  };
  await visit(await src.manifest());
  const top = await dst.putManifests(manifests);
  await dst.commit();
  return top;
}
