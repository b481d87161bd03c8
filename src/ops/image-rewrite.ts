// The engine behind `mutate` and `append`: a new image made from one that stays where it is,
// by rewriting its manifests and configs (and, for append, adding layer blobs), then moving the
// result with the one transfer engine. Only manifests and configs are read: the rewritten image
// is served by a source that answers the new manifests and blobs first and everything else from
// the original location (mutate/rewritten-source.ts), so on the same repository every old layer
// is already there (HEAD), on another repository of the same registry it is mounted, and
// anywhere else it streams through as in copy. An index is rewritten on every platform (entries
// and platforms kept; entries that are not images left out) unless a platform is picked.
// Returns data and emits the engine's events; never prints.
import { RegctlError, UsageError } from '../errors.js';
import { digestOf } from '../oci/digest.js';
import { parseManifest, type Descriptor, type ImageManifest, type Platform } from '../oci/manifest.js';
import { formatPlatform, selectManifest } from '../oci/platform.js';
import { formatLocation, type Location } from '../reference/location.js';
import type { BlobSource, ImageSource, ManifestResult } from '../store/backend.js';
import { destinationNames } from './copy.js';
import { firstNonImage } from './image-only.js';
import type { KeyChanges } from './mutate/flag-values.js';
import { editIndex, type NewBlob } from './mutate/manifest-edit.js';
import { rewrittenSource } from './mutate/rewritten-source.js';
import { openDestination, openSource, type LocationContext } from './open-location.js';
import { pushResultOf, type PushResult } from './push.js';
import { DEFAULT_TRANSFER_CONCURRENCY, transfer, type ProgressListener, type TransferEvent } from './transfer.js';

export const CONFIG_LIMIT = 16 * 1024 * 1024;

/** What a rewrite adds besides manifests: configs from memory, layers from files. */
export interface NewBlobs {
  bytes: Map<string, Buffer>;
  sources: Map<string, BlobSource>;
}

/** One command's change to one image manifest. */
export interface ImageEdit {
  /** The command, for messages: `mutate`, `append`. */
  verb: string;
  /** What the command changes, for the refusal of an artifact: "image configs". */
  changes: string;
  /**
   * The new bytes of image manifest `m` (parsed: `manifest`). New blobs go into `blobs`. `top`
   * is true when `m` is the image the result names (not a child of a rewritten index).
   */
  image(source: ImageSource, m: ManifestResult, manifest: ImageManifest, blobs: NewBlobs, top: boolean): Promise<Buffer>;
  /** The index's own annotation changes when a whole index is rewritten (`resolved` is the old index). */
  indexAnnotations?(resolved: ManifestResult): KeyChanges | undefined;
}

export interface RewriteOptions {
  /** Rewrite only this platform of an index: the target gets that one image. Needs a target. */
  platform?: Platform;
  concurrency?: number;
  signal?: AbortSignal;
  /** The engine's events (transfer.ts), as copy emits them. */
  onProgress?: ProgressListener<TransferEvent>;
}

export type RewriteResult = PushResult & {
  /** The result as REF@DIGEST (`host/repo:tag@sha256:...`, `oci:DIR:NAME@sha256:...`). */
  pinned: string;
  /** The digest the source named before (an index's, when the whole index was rewritten). */
  sourceDigest: string;
  /** Index entries left out: not images (attestations, artifacts), which describe the old manifests. */
  dropped: Descriptor[];
};

/**
 * Where the new image goes. Without a target (mutate only), the source itself: a registry tag (a
 * digest-only source has none to move: usage error), a store name, a layout's named image. A
 * registry target without a tag takes the source's tag; a target cannot name a digest.
 */
export function rewriteTarget(verb: string, from: Location, to?: Location): Location {
  if (!to) {
    switch (from.transport) {
      case 'docker':
        if (from.ref.tag === undefined) throw new UsageError(`${from.ref.toString()} has no tag to move: give a TARGET (the ${verb}d image has a new digest)`);
        return { transport: 'docker', ref: from.ref.withTag(from.ref.tag) };
      case 'store':
        return from;
      case 'oci':
        if (from.ref === undefined) throw new UsageError(`${formatLocation(from)} names no image to replace: write oci:DIR:NAME, or give a TARGET`);
        return from;
      default:
        throw new UsageError(`${verb} without TARGET replaces SOURCE, and an archive (${from.transport}:) is not rewritten in place: give a TARGET`);
    }
  }
  if (to.transport !== 'docker') return to;
  if (to.ref.digest) throw new UsageError(`TARGET ${to.ref.toString()} cannot name a digest: the ${verb}d image has a new one`);
  if (!to.ref.tagDefaulted) return to;
  return { transport: 'docker', ref: to.ref.withTag(from.transport === 'docker' ? (from.ref.tag ?? 'latest') : 'latest') };
}

/** Same registry, other repository: layers are mounted, no bytes move. */
function mountFrom(from: Location, to: Location): string[] {
  if (from.transport !== 'docker' || to.transport !== 'docker') return [];
  return from.ref.registry === to.ref.registry && from.ref.repository !== to.ref.repository ? [from.ref.repository] : [];
}

interface Plan {
  top: ManifestResult;
  manifests: Map<string, ManifestResult>;
  blobs: NewBlobs;
  dropped: Descriptor[];
}

const result = (bytes: Buffer, mediaType: string): ManifestResult => ({ bytes, mediaType, digest: digestOf(bytes), size: bytes.length });

function refuseArtifact(edit: ImageEdit, name: string, found: { configType: string; artifactType: string | undefined }): never {
  const artifact = found.artifactType ? ` (artifactType ${found.artifactType})` : '';
  throw new RegctlError('REGCTL_UNSUPPORTED', `${name} is not a container image (config media type "${found.configType}")${artifact}: ${edit.verb} changes ${edit.changes} only`);
}

async function rewriteImage(edit: ImageEdit, source: ImageSource, m: ManifestResult, plan: Plan, top: boolean): Promise<ManifestResult> {
  const parsed = parseManifest(m.bytes, m.mediaType);
  if (parsed.kind !== 'image') throw new RegctlError('REGCTL_UNSUPPORTED', `${source.name}: an index inside an index cannot be ${edit.verb === 'append' ? 'appended to' : `${edit.verb}d`}`);
  return result(await edit.image(source, m, parsed.manifest, plan.blobs, top), m.mediaType);
}

async function planRewrite(edit: ImageEdit, source: ImageSource, opts: RewriteOptions, inPlace: boolean): Promise<{ resolved: ManifestResult; plan: Plan }> {
  const resolved = await source.manifest();
  const parsed = parseManifest(resolved.bytes, resolved.mediaType);
  const plan: Plan = { top: resolved, manifests: new Map(), blobs: { bytes: new Map(), sources: new Map() }, dropped: [] };
  if (parsed.kind === 'image') {
    const found = firstNonImage([resolved]);
    if (found) refuseArtifact(edit, source.name, found);
    plan.top = await rewriteImage(edit, source, resolved, plan, true);
    return { resolved, plan };
  }
  if (opts.platform) {
    if (inPlace) throw new UsageError(`--platform without TARGET would replace the multi-platform ${source.name} with one platform: give a TARGET`);
    const chosen = selectManifest(parsed.index, opts.platform);
    if (!chosen) throw new RegctlError('REGCTL_NOT_FOUND', `no matching manifest for ${formatPlatform(opts.platform)} in the manifest list entries`);
    const child = await source.manifest(chosen.digest);
    const found = firstNonImage([child]);
    if (found) refuseArtifact(edit, `${source.name}@${chosen.digest}`, found);
    plan.top = await rewriteImage(edit, source, child, plan, true);
    return { resolved, plan };
  }
  const children = new Map<string, NewBlob | null>();
  let firstArtifact: ReturnType<typeof firstNonImage>;
  for (const entry of parsed.index.manifests) {
    if (children.has(entry.digest)) continue;
    const child = await source.manifest(entry.digest);
    const found = firstNonImage([child]);
    if (found) {
      firstArtifact ??= found;
      children.set(entry.digest, null);
      plan.dropped.push(entry);
      continue;
    }
    const rewritten = await rewriteImage(edit, source, child, plan, false);
    plan.manifests.set(rewritten.digest, rewritten);
    children.set(entry.digest, { digest: rewritten.digest, size: rewritten.size });
  }
  if (plan.manifests.size === 0) {
    if (firstArtifact) refuseArtifact(edit, source.name, firstArtifact);
    throw new RegctlError('REGCTL_INVALID_MANIFEST', `${source.name}: the index lists no manifests`);
  }
  plan.top = result(editIndex(resolved.bytes, children, edit.indexAnnotations?.(resolved)), resolved.mediaType);
  return { resolved, plan };
}

/** Rewrites the image at `from` into `to` (default: `from` itself) with `edit`; both ends are closed whatever happens. */
export async function rewrite(ctx: LocationContext, edit: ImageEdit, from: Location, to: Location | undefined, opts: RewriteOptions = {}): Promise<RewriteResult> {
  const target = rewriteTarget(edit.verb, from, to);
  const source = await openSource(from, ctx, { intoStore: target.transport === 'store' });
  try {
    const { resolved, plan } = await planRewrite(edit, source, opts, to === undefined);
    const destination = await openDestination(target, ctx, { mountFrom: mountFrom(from, target) });
    try {
      const moved = await transfer(rewrittenSource(source, { top: plan.top, manifests: plan.manifests, blobs: plan.blobs.bytes, blobSources: plan.blobs.sources }), destination, {
        concurrency: opts.concurrency ?? DEFAULT_TRANSFER_CONCURRENCY,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      const names = destinationNames(target);
      return { ...pushResultOf(names.ref, names.tag, moved), pinned: `${names.ref}@${moved.digest}`, sourceDigest: resolved.digest, dropped: plan.dropped };
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}
