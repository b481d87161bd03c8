// Consistency check of a store: the layout files parse, every blob the index reaches exists
// with the size its descriptor states, and manifests/indexes hash to their digests (layers
// too with `deep`). Returns problems as sentences; an empty list means valid. Used by crash
// tests (the store must stay valid whatever is killed when) and by a future `regctl fsck`.
import { createReadStream, promises as fs } from 'node:fs';
import { createDigester, parseDigest } from '../../oci/digest.js';
import { parseManifest, type Descriptor } from '../../oci/manifest.js';
import { isImageManifestMediaType, isIndexMediaType } from '../../oci/media-types.js';
import { isRegctlError } from '../../errors.js';
import { readIndex } from './index-file.js';
import { imageNameOf } from './image-names.js';
import { fileSize } from './layout-fs.js';
import { openLayout } from './layout-init.js';
import type { LayoutPaths } from './layout-paths.js';

export interface ValidateOptions {
  /** Also re-hash every layer and config (slow for big stores). */
  deep?: boolean;
}

export async function validateLayout(paths: LayoutPaths, opts: ValidateOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  let roots: Descriptor[];
  try {
    if ((await openLayout(paths, false)) === 'missing') return [`${paths.dir} is not an OCI image layout (no ${paths.ociLayout})`];
    roots = (await readIndex(paths.index))?.manifests ?? [];
  } catch (err) {
    return [isRegctlError(err) ? err.message : String(err)];
  }
  const checked = new Set<string>();
  const queue = roots.map((d) => ({ d, from: `index.json entry ${imageNameOf(d) ?? d.digest}` }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    const { d, from } = item;
    if (checked.has(d.digest)) continue;
    checked.add(d.digest);
    const file = paths.blob(d.digest);
    const size = await fileSize(file);
    if (size === undefined) {
      problems.push(`missing blob ${d.digest} (referenced by ${from})`);
      continue;
    }
    if (size !== d.size) problems.push(`blob ${d.digest} is ${size} bytes, ${from} says ${d.size}`);
    const isManifest = isIndexMediaType(d.mediaType) || isImageManifestMediaType(d.mediaType);
    if (!isManifest && !opts.deep) continue;
    const actual = await hashFile(file, d.digest);
    if (actual !== d.digest) {
      problems.push(`blob ${d.digest} has digest ${actual}`);
      continue;
    }
    if (!isManifest) continue;
    try {
      const parsed = parseManifest(await fs.readFile(file), d.mediaType);
      const children = parsed.kind === 'index' ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
      for (const child of children) queue.push({ d: child, from: `${parsed.kind === 'index' ? 'index' : 'manifest'} ${d.digest}` });
    } catch (err) {
      problems.push(`manifest ${d.digest} cannot be parsed: ${(err as Error).message}`);
    }
  }
  return problems;
}

async function hashFile(file: string, digest: string): Promise<string> {
  const digester = createDigester(parseDigest(digest).algorithm);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) digester.update(chunk as Buffer);
  return digester.digest();
}
