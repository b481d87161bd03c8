// An OCI layout (the regctl store or a user's oci:DIR) as a transfer source: the image an
// index.json entry names, its manifests read and verified from blobs/, its blobs read by range.
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { digestOf, parseDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import type { ImageSource, ManifestResult } from '../backend.js';
import { REF_NAME_ANNOTATION, type LayoutStore } from './layout-store.js';
import { readLayoutReferrers, type LayoutReferrers } from './referrers.js';

/** Manifests larger than this are refused, as registries refuse them. */
const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface LayoutSourceOptions {
  /** Called by close() (an unpacked archive removes its temporary layout). */
  onClose?: () => Promise<void>;
  /** Named in blob errors; none for the regctl store ("the store copy is corrupt"). */
  origin?: string;
  /**
   * A user's layout: offer referrers() (the manifests index.json reaches whose subject is the
   * digest, store/layout/referrers.ts) and sourceOf(). The regctl store keeps no referrers.
   */
  referrers?: boolean;
}

/** The image `top` (an index.json entry) of `store`, named `name` in messages. */
export function layoutSource(store: LayoutStore, top: Descriptor, name: string, opts: LayoutSourceOptions = {}): ImageSource {
  const read = async (digest: string, mediaType: string | undefined): Promise<ManifestResult> => {
    const bytes = await store.readBlobBytes(digest, MANIFEST_LIMIT).catch((err: unknown) => {
      if ((err as RegctlError).code !== 'REGCTL_NOT_FOUND') throw err;
      throw new RegctlError('REGCTL_NOT_FOUND', `${name}: manifest ${digest} is missing from ${store.dir}`, { cause: err });
    });
    const actual = digestOf(bytes, parseDigest(digest).algorithm);
    if (actual !== digest) throw new DigestMismatchError(digest, actual, `manifest in ${store.dir}`);
    return { bytes, mediaType: mediaType ?? mediaTypeOf(bytes), digest, size: bytes.length };
  };
  let closed = false;
  let walked: Promise<LayoutReferrers> | undefined;
  const withReferrers = opts.referrers
    ? {
        referrers: async (digest: string) => [...((await (walked ??= readLayoutReferrers(store))).get(digest) ?? [])],
        sourceOf: (d: Descriptor) => layoutSource(store, d, `${name}@${d.digest}`, opts.origin ? { origin: opts.origin } : {}),
      }
    : {};
  return {
    ...withReferrers,
    name,
    manifest: (digest) => (!digest || digest === top.digest ? read(top.digest, top.mediaType) : read(digest, undefined)),
    blobBytes: (digest, limit) => store.readBlobBytes(digest, limit),
    blob: (d) => ({
      digest: d.digest,
      size: d.size,
      ...(opts.origin ? { origin: opts.origin } : {}),
      read: (start, end) => store.readBlobRange(d.digest, start, end),
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      await opts.onClose?.();
    },
  };
}

function mediaTypeOf(bytes: Buffer): string {
  try {
    const mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    return typeof mediaType === 'string' ? mediaType : '';
  } catch {
    return '';
  }
}

/**
 * The entry a user's layout location names, as skopeo picks it: with REF, the entry whose
 * `org.opencontainers.image.ref.name` is REF (the last one if a tool wrote duplicates); without,
 * the layout's only image (entries that are referrers of another manifest not counted). Missing or ambiguous -> REGCTL_NOT_FOUND listing what is there.
 */
export async function findLayoutEntry(store: LayoutStore, ref: string | undefined, location: string): Promise<Descriptor> {
  const entries = store.exists ? await store.listEntries() : [];
  const names = entries.map((d) => d.annotations?.[REF_NAME_ANNOTATION] ?? `(unnamed) ${d.digest}`);
  const listing = names.length > 0 ? `; it holds: ${names.join(', ')}` : '';
  if (ref !== undefined) {
    const found = entries.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === ref).at(-1);
    if (!found) throw new RegctlError('REGCTL_NOT_FOUND', `no image named "${ref}" in ${location}${listing || ' (it holds no image)'}`);
    return found;
  }
  if (entries.length === 1) return entries[0]!;
  if (entries.length === 0) throw new RegctlError('REGCTL_NOT_FOUND', `${location} holds no image`);
  // The referrers `copy --referrers` (or oras) keeps beside an image are entries too, but not the image.
  const referrers = new Set([...(await readLayoutReferrers(store)).values()].flat().map((d) => d.digest));
  const images = entries.filter((d) => !referrers.has(d.digest));
  if (images.length === 1) return images[0]!;
  throw new RegctlError('REGCTL_NOT_FOUND', `${location} holds ${entries.length} images: name one as ${location}:NAME${listing}`);
}
