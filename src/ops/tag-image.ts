// `tag`: a second name for an image already in the store. Only index.json changes: the new
// entry points at the same manifest or index as the source.
import { UsageError } from '../errors.js';
import type { Annotations, Descriptor } from '../oci/manifest.js';
import { parseReference } from '../reference/parse.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION, type LayoutStore } from '../store/layout/layout-store.js';
import { resolveLocalImage } from './local-image.js';
import { RESOLVED_DIGEST_ANNOTATION } from '../store/layout/image-names.js';

/** When the name was last given to an image (docker inspect's Metadata.LastTagTime). */
export const LAST_TAG_TIME_ANNOTATION = 'dev.regctl.last-tag-time';

export interface TagResult {
  /** Full name written, e.g. docker.io/library/busybox:mine. */
  name: string;
  descriptor: Descriptor;
}

/**
 * Names the image `source` (reference or image ID prefix) as `target` (default tag latest),
 * replacing whatever `target` named before. Source missing -> REGCTL_NOT_FOUND
 * `No such image: ...`; a digest in `target` -> UsageError, as docker refuses it.
 */
export async function tagImage(store: LayoutStore, source: string, target: string, now: Date = new Date()): Promise<TagResult> {
  const targetRef = parseReference(target);
  if (targetRef.digest) throw new UsageError('refusing to create a tag with a digest reference');
  const image = await resolveLocalImage(store, source);
  const annotations: Record<string, string> = { ...(image.descriptor.annotations ?? {}) };
  delete annotations[REF_NAME_ANNOTATION];
  delete annotations[CONTAINERD_NAME_ANNOTATION];
  // The registry digest only means something in the repository it came from.
  if (image.ref?.name() !== targetRef.name()) delete annotations[RESOLVED_DIGEST_ANNOTATION];
  annotations[LAST_TAG_TIME_ANNOTATION] = now.toISOString();
  const descriptor: Descriptor = { ...image.descriptor, annotations: annotations as Annotations };
  const name = targetRef.toString();
  await store.putImage(name, descriptor);
  return { name, descriptor };
}
