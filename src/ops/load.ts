// `load`: images from a tar archive (docker save in both its formats, skopeo docker-archive
// and oci-archive) into the store. The archive is read once, as a stream, straight into the
// store and interpreted (store/archive/archive-images.ts: every image with its names); then each
// image goes through the transfer engine from the store into the store, which finds every
// planned blob present (a missing one would fail the load) and every manifest's bytes matching
// its digest, and records the image instead of indexing it. index.json changes only after every
// image passed, in one atomic update, so a bad archive leaves the image list as it was (blobs
// already written are unreferenced and go with the next gc). An image the archive does not name
// (no RepoTags; an index.json entry whose ref.name is only a tag, as skopeo's
// `oci-archive:FILE:v1` writes) is recorded as an unnamed index.json entry: docker's untagged
// `<none>` image, listed by `images`, found by ID, and kept by gc until `rmi` or `tag`.
import type { Readable } from 'node:stream';
import { RegctlError } from '../errors.js';
import { readArchiveImages, type ArchiveImage } from '../store/archive/archive-images.js';
import { layoutDestination } from '../store/layout/image-destination.js';
import { layoutSource } from '../store/layout/image-source.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { assertStorableImages } from './image-only.js';
import { planTransfer, transfer } from './transfer.js';

export interface LoadedImage {
  /** Full name recorded, e.g. docker.io/library/busybox:latest; undefined for an untagged image. */
  name: string | undefined;
  /** docker's image ID (config digest, or index digest for a multi-platform image). */
  id: string;
}

/** Moves `image` from the store into the store on the engine; its entry goes to `checked` on commit. */
async function check(store: LayoutStore, image: ArchiveImage, checked: ArchiveImage[], signal: AbortSignal | undefined): Promise<void> {
  const name = image.names[0] ?? image.id;
  const source = layoutSource(store, image.descriptor, name);
  const destination = layoutDestination(
    store,
    {
      record: (top) => {
        if (top.digest !== image.descriptor.digest) throw new RegctlError('REGCTL_INTERNAL', `load of ${name}: wrote ${top.digest}, not ${image.descriptor.digest}`);
        checked.push(image);
      },
    },
    `store:${name}`,
  );
  // No diff IDs: nothing is shown, and the config is then read once, as a blob.
  const plan = await planTransfer(source, { diffIds: false });
  assertStorableImages(plan.manifests, name);
  await transfer(source, destination, { plan, ...(signal ? { signal } : {}) });
}

export async function loadArchive(store: LayoutStore, input: Readable, opts: { signal?: AbortSignal } = {}): Promise<LoadedImage[]> {
  try {
    const images = await readArchiveImages(store, input, opts);
    const checked: ArchiveImage[] = [];
    for (const image of images) await check(store, image, checked, opts.signal);
    await store.updateIndex((index) => {
      for (const image of checked) {
        if (image.names.length === 0) index.putUnnamed(image.descriptor);
        for (const name of image.names) index.put(name, image.descriptor);
      }
    });
    return checked.flatMap((image): LoadedImage[] => (image.names.length > 0 ? image.names.map((name) => ({ name, id: image.id })) : [{ name: undefined, id: image.id }]));
  } finally {
    await store.releasePins();
  }
}
