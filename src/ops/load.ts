// `load`: images from a tar archive (docker save in both its formats, skopeo docker-archive
// and oci-archive) into the store. The archive is read once, as a stream (archive-reader),
// then interpreted (archive-images); index.json changes only after every referenced blob is
// in the store and verified, in one atomic update, so a bad archive leaves the image list as it
// was (blobs already written are unreferenced and go with the next gc). An image the archive
// does not name (no RepoTags; an index.json entry whose ref.name is only a tag, as skopeo's
// `oci-archive:FILE:v1` writes) is recorded as an unnamed index.json entry: docker's untagged
// `<none>` image, listed by `images`, found by ID, and kept by gc until `rmi` or `tag`.
import type { Readable } from 'node:stream';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { archiveImages } from '../store/archive/archive-images.js';
import { readArchive } from '../store/archive/archive-reader.js';

export interface LoadedImage {
  /** Full name recorded, e.g. docker.io/library/busybox:latest; undefined for an untagged image. */
  name: string | undefined;
  /** docker's image ID (config digest, or index digest for a multi-platform image). */
  id: string;
}

export async function loadArchive(store: LayoutStore, input: Readable, opts: { signal?: AbortSignal } = {}): Promise<LoadedImage[]> {
  const contents = await readArchive(store, input, opts);
  try {
    const images = await archiveImages(store, contents);
    await store.updateIndex((index) => {
      for (const image of images) {
        if (image.names.length === 0) index.putUnnamed(image.descriptor);
        for (const name of image.names) index.put(name, image.descriptor);
      }
    });
    return images.flatMap((image): LoadedImage[] => (image.names.length > 0 ? image.names.map((name) => ({ name, id: image.id })) : [{ name: undefined, id: image.id }]));
  } finally {
    await contents.cleanup();
    await store.releasePins();
  }
}
