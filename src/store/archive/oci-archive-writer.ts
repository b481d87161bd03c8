// The tar of an OCI layout holding one image, as skopeo's oci-archive destination writes it:
// `oci-layout`, `index.json` with one entry (annotated `org.opencontainers.image.ref.name` when
// the location names the image, nothing of regctl's or containerd's), and `blobs/<alg>/<hex>`.
// Deterministic: fixed entry times and modes, blobs sorted by name, so the same image always
// gives the same bytes. Every blob is looked for before the first byte is written.
import type { Writable } from 'node:stream';
import type { Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../../oci/media-types.js';
import { REF_NAME_ANNOTATION, type LayoutStore } from '../layout/layout-store.js';
import { assertBlobsPresent, collectImageBlobs } from './image-blobs.js';
import { blobEntryName, packBlob, packDirectory, packFile, writeTar } from './tar-pack.js';

export interface OciArchiveOptions {
  signal?: AbortSignal;
  /** The layout the blobs come from, for messages. */
  where?: string;
}

export async function writeOciArchive(store: LayoutStore, top: Descriptor, refName: string | undefined, out: Writable, opts: OciArchiveOptions = {}): Promise<void> {
  const where = opts.where ?? store.dir;
  const reached = new Map<string, Descriptor>();
  await collectImageBlobs(store, top, reached, { where });
  await assertBlobsPresent(store, reached.values(), where);
  const blobs = [...reached.values()].sort((a, b) => (blobEntryName(a.digest) < blobEntryName(b.digest) ? -1 : 1));
  const entry: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.size, ...(refName === undefined ? {} : { annotations: { [REF_NAME_ANNOTATION]: refName } }) };

  await writeTar(out, opts.signal, async (p) => {
    await packFile(p, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await packFile(p, 'index.json', JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [entry] }));
    await packDirectory(p, 'blobs/');
    const directories = new Set<string>();
    for (const d of blobs) {
      const dir = `${blobEntryName(d.digest).split('/').slice(0, 2).join('/')}/`;
      if (!directories.has(dir)) await packDirectory(p, dir);
      directories.add(dir);
      await packBlob(p, d, store.openBlob(d.digest), where);
    }
  });
}
