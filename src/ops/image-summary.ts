// docker's image list model (the daemon's ImageList): one summary per image ID, with every
// name that points at it as RepoTags (busybox:latest) and RepoDigests (busybox@sha256:...),
// newest first. Shared by `images` and `inspect`.
import { parseReference, type Reference } from '../reference/parse.js';
import type { LocalImage } from './local-image.js';

export interface ImageSummary {
  /** sha256:... (config digest, or index digest for a multi-platform entry). */
  id: string;
  /** Familiar NAME:TAG of every tagged entry, in index order. */
  repoTags: string[];
  /** Familiar NAME@DIGEST of every repository digest, once each. */
  repoDigests: string[];
  /** The config's `created` (RFC 3339), if any. */
  created: string | undefined;
  size: number;
  /** The store entries behind this image ID. */
  entries: LocalImage[];
}

/** The references an entry contributes: its tag, and the digest its repository knows it by. */
export function entryRefs(image: LocalImage): { tag: Reference | undefined; digest: Reference | undefined } {
  const ref = image.ref;
  if (!ref) return { tag: undefined, digest: undefined };
  // A digest reference is NAME@DIGEST only (withDigest would keep the tag).
  const digest = image.repoDigest ? parseReference(`${ref.name()}@${image.repoDigest}`) : undefined;
  return { tag: ref.digest ? undefined : ref, digest };
}

const createdTime = (s: ImageSummary) => {
  const t = s.created ? Date.parse(s.created) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

/**
 * Groups entries by image ID. With `match`, only matching references are listed, and an image
 * none of whose references match is left out (docker's `reference` filter).
 */
export function summarizeImages(images: readonly LocalImage[], match?: (ref: Reference) => boolean): ImageSummary[] {
  const byId = new Map<string, ImageSummary>();
  for (const image of images) {
    let summary = byId.get(image.id);
    if (!summary) {
      summary = { id: image.id, repoTags: [], repoDigests: [], created: image.config?.created, size: image.size, entries: [] };
      byId.set(image.id, summary);
    }
    summary.entries.push(image);
    const { tag, digest } = entryRefs(image);
    if (tag && (!match || match(tag)) && !summary.repoTags.includes(tag.familiar())) summary.repoTags.push(tag.familiar());
    if (digest && (!match || match(digest)) && !summary.repoDigests.includes(digest.familiar())) summary.repoDigests.push(digest.familiar());
  }
  const summaries = [...byId.values()].filter((s) => !match || s.repoTags.length > 0 || s.repoDigests.length > 0);
  // Newest first, as docker lists them; Array.prototype.sort is stable, so ties keep index order.
  return summaries.sort((a, b) => createdTime(b) - createdTime(a));
}
