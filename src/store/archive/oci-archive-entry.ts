// The image an oci-archive location names: an entry of the archive's own index.json, picked
// exactly as in a user's oci:DIR (findLayoutEntry: REF is the ref.name, any string; without
// REF the only entry), so both transports agree. The archive's index.json is looked up in a
// small layout of its own: the layout the blobs went into may be the regctl store, whose
// index.json must not change. The entry's manifests must be in the archive; an index's children
// that are absent (docker's containerd store saves only the platforms it pulled) are left to
// the transfer, which asks only for the platforms it copies.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseManifest, type Descriptor } from '../../oci/manifest.js';
import { findLayoutEntry } from '../layout/image-source.js';
import { LayoutStore } from '../layout/layout-store.js';
import { archiveJson, ArchiveLoader } from './archive-images.js';
import { invalid } from './archive-names.js';
import { METADATA_LIMIT, type ArchiveContents } from './archive-reader.js';
import { resolveAlias } from './entry-names.js';
import { blobEntryName } from './tar-pack.js';
import { makeTempDir } from './temp-layout.js';

async function lookUp(index: unknown, ref: string | undefined, location: string, tmpDir: string | undefined): Promise<Descriptor> {
  const dir = await makeTempDir('oci-archive-index', tmpDir);
  try {
    await fs.writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
    const layout = await LayoutStore.open(dir, { create: false }).catch((err: unknown) => {
      throw invalid(`index.json in ${location} is not a valid image index: ${(err as Error).message.replaceAll(dir, '')}`);
    });
    return await findLayoutEntry(layout, ref, location);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Checks that `d`'s blobs are in the archive (for an index: those of the children present). */
async function checkPresent(store: LayoutStore, contents: ArchiveContents, loader: ArchiveLoader, d: Descriptor, depth = 0): Promise<void> {
  if (depth > 4) throw invalid('indexes nested too deep');
  await loader.blob(d, depth === 0 ? 'manifest' : 'child manifest');
  const parsed = parseManifest(await store.readBlobBytes(d.digest, METADATA_LIMIT), d.mediaType);
  if (parsed.kind === 'index') {
    const present = parsed.index.manifests.filter((c) => contents.files.has(resolveAlias(blobEntryName(c.digest), contents.links)));
    for (const child of present) await checkPresent(store, contents, loader, child, depth + 1);
    return;
  }
  await loader.blob(parsed.manifest.config, 'config');
  for (const layer of parsed.manifest.layers) await loader.blob(layer, 'layer');
}

/** The named entry's descriptor; its blobs are in `store` (the archive reader put them there). */
export async function ociArchiveEntry(store: LayoutStore, contents: ArchiveContents, ref: string | undefined, location: string, opts: { tmpDir?: string } = {}): Promise<Descriptor> {
  const index = archiveJson(contents, 'index.json');
  if (index === undefined) throw invalid(`${location}: the archive has no index.json, so it is not an oci-archive`, 'a docker save from before Engine 25, or a docker-archive: read it as docker-archive:FILE');
  if (!Array.isArray((index as { manifests?: unknown })?.manifests)) throw invalid(`index.json in ${location} has no manifests list`);
  const entry = await lookUp(index, ref, location, opts.tmpDir);
  await checkPresent(store, contents, new ArchiveLoader(store, contents), entry);
  return entry;
}
