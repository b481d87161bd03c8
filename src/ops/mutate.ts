// `mutate`: a new image config and manifest (entrypoint, cmd, env, labels, workdir, user,
// exposed ports, created; manifest annotations) for an image that stays where it is. Only the
// manifests and configs are read; the layers are never downloaded here: the rewritten image is
// served by a source that answers the new manifests and configs from memory and everything else
// from the original location (mutate/rewritten-source.ts), and moved by the one transfer engine,
// so on the same repository every layer is already there (HEAD), on another repository of the
// same registry it is mounted, and anywhere else it streams through as in copy. An index is
// mutated on every platform (entries and platforms kept) unless a platform is picked. Without a
// target, the source's tag (or store name, or layout name) moves to the new image. Returns data
// and emits the engine's events; never prints.
import { RegctlError, UsageError } from '../errors.js';
import { digestOf } from '../oci/digest.js';
import { parseManifest, type Descriptor, type Platform } from '../oci/manifest.js';
import { formatPlatform, selectManifest } from '../oci/platform.js';
import { formatLocation, type Location } from '../reference/location.js';
import type { ImageSource, ManifestResult } from '../store/backend.js';
import { destinationNames } from './copy.js';
import { firstNonImage } from './image-only.js';
import { changesConfig, editConfig, type ConfigChanges } from './mutate/config-edit.js';
import type { KeyChanges } from './mutate/flag-values.js';
import { editImageManifest, editIndex, type NewBlob } from './mutate/manifest-edit.js';
import { rewrittenSource } from './mutate/rewritten-source.js';
import { openDestination, openSource, type LocationContext } from './open-location.js';
import { pushResultOf, type PushResult } from './push.js';
import { DEFAULT_TRANSFER_CONCURRENCY, transfer, type ProgressListener, type TransferEvent } from './transfer.js';

export type { ConfigChanges } from './mutate/config-edit.js';
export type { CommandForm } from './mutate/command-form.js';
export type { KeyChanges } from './mutate/flag-values.js';

const CONFIG_LIMIT = 16 * 1024 * 1024;

export interface MutateOptions extends ConfigChanges {
  /** Manifest annotations (of the index, for a whole index) to set, or remove (null). */
  annotations?: KeyChanges;
  /** Mutate only this platform of an index: the target gets that one image. Needs a target. */
  platform?: Platform;
  concurrency?: number;
  signal?: AbortSignal;
  /** The engine's events (transfer.ts), as copy emits them. */
  onProgress?: ProgressListener<TransferEvent>;
}

export type MutateResult = PushResult & {
  /** The result as REF@DIGEST (`host/repo:tag@sha256:...`, `oci:DIR:NAME@sha256:...`). */
  pinned: string;
  /** The digest the source named before (an index's, when the whole index was mutated). */
  sourceDigest: string;
  /** Index entries left out: not images (attestations, artifacts), which describe the old manifests. */
  dropped: Descriptor[];
};

/**
 * Where the mutated image goes. Without a target, the source itself: a registry tag (a
 * digest-only source has none to move: usage error), a store name, a layout's named image. A
 * registry target without a tag takes the source's tag; a target cannot name a digest.
 */
export function mutateTarget(from: Location, to?: Location): Location {
  if (!to) {
    switch (from.transport) {
      case 'docker':
        if (from.ref.tag === undefined) throw new UsageError(`${from.ref.toString()} has no tag to move: give a TARGET (the mutated image has a new digest)`);
        return { transport: 'docker', ref: from.ref.withTag(from.ref.tag) };
      case 'store':
        return from;
      case 'oci':
        if (from.ref === undefined) throw new UsageError(`${formatLocation(from)} names no image to replace: write oci:DIR:NAME, or give a TARGET`);
        return from;
      default:
        throw new UsageError(`mutate without TARGET replaces SOURCE, and an archive (${from.transport}:) is not rewritten in place: give a TARGET`);
    }
  }
  if (to.transport !== 'docker') return to;
  if (to.ref.digest) throw new UsageError(`TARGET ${to.ref.toString()} cannot name a digest: the mutated image has a new one`);
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
  blobs: Map<string, Buffer>;
  dropped: Descriptor[];
}

const result = (bytes: Buffer, mediaType: string): ManifestResult => ({ bytes, mediaType, digest: digestOf(bytes), size: bytes.length });

function refuseArtifact(name: string, found: { configType: string; artifactType: string | undefined }): never {
  const artifact = found.artifactType ? ` (artifactType ${found.artifactType})` : '';
  throw new RegctlError('REGCTL_UNSUPPORTED', `${name} is not a container image (config media type "${found.configType}")${artifact}: mutate changes image configs only`);
}

/** The rewritten image manifest `m` (its new config in `plan.blobs`). */
async function mutateImage(source: ImageSource, m: ManifestResult, opts: MutateOptions, plan: Plan, annotations: KeyChanges | undefined): Promise<ManifestResult> {
  const parsed = parseManifest(m.bytes, m.mediaType);
  if (parsed.kind !== 'image') throw new RegctlError('REGCTL_UNSUPPORTED', `${source.name}: an index inside an index cannot be mutated`);
  let config: NewBlob | undefined;
  if (changesConfig(opts)) {
    const edited = editConfig(await source.blobBytes(parsed.manifest.config.digest, CONFIG_LIMIT), opts);
    config = { digest: digestOf(edited.bytes), size: edited.bytes.length };
    plan.blobs.set(config.digest, edited.bytes);
  }
  return result(editImageManifest(m.bytes, { ...(config ? { config } : {}), ...(annotations ? { annotations } : {}) }), m.mediaType);
}

async function planMutation(source: ImageSource, opts: MutateOptions, inPlace: boolean): Promise<{ resolved: ManifestResult; plan: Plan }> {
  const resolved = await source.manifest();
  const parsed = parseManifest(resolved.bytes, resolved.mediaType);
  const plan: Plan = { top: resolved, manifests: new Map(), blobs: new Map(), dropped: [] };
  if (parsed.kind === 'image') {
    const found = firstNonImage([resolved]);
    if (found) refuseArtifact(source.name, found);
    plan.top = await mutateImage(source, resolved, opts, plan, opts.annotations);
    return { resolved, plan };
  }
  if (opts.platform) {
    if (inPlace) throw new UsageError(`--platform without TARGET would replace the multi-platform ${source.name} with one platform: give a TARGET`);
    const chosen = selectManifest(parsed.index, opts.platform);
    if (!chosen) throw new RegctlError('REGCTL_NOT_FOUND', `no matching manifest for ${formatPlatform(opts.platform)} in the manifest list entries`);
    const child = await source.manifest(chosen.digest);
    const found = firstNonImage([child]);
    if (found) refuseArtifact(`${source.name}@${chosen.digest}`, found);
    plan.top = await mutateImage(source, child, opts, plan, opts.annotations);
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
    const rewritten = await mutateImage(source, child, opts, plan, undefined);
    plan.manifests.set(rewritten.digest, rewritten);
    children.set(entry.digest, { digest: rewritten.digest, size: rewritten.size });
  }
  if (plan.manifests.size === 0) {
    if (firstArtifact) refuseArtifact(source.name, firstArtifact);
    throw new RegctlError('REGCTL_INVALID_MANIFEST', `${source.name}: the index lists no manifests`);
  }
  plan.top = result(editIndex(resolved.bytes, children, opts.annotations), resolved.mediaType);
  return { resolved, plan };
}

/** Mutates the image at `from` into `to` (default: `from` itself); both ends are closed whatever happens. */
export async function mutate(ctx: LocationContext, from: Location, to: Location | undefined, opts: MutateOptions = {}): Promise<MutateResult> {
  const target = mutateTarget(from, to);
  if (!changesConfig(opts) && Object.keys(opts.annotations ?? {}).length === 0) {
    throw new UsageError('nothing to change: give at least one of --entrypoint, --cmd, --env, --label, --annotation, --workdir, --user, --expose, --created');
  }
  const source = await openSource(from, ctx, { intoStore: target.transport === 'store' });
  try {
    const { resolved, plan } = await planMutation(source, opts, to === undefined);
    const destination = await openDestination(target, ctx, { mountFrom: mountFrom(from, target) });
    try {
      const moved = await transfer(rewrittenSource(source, plan), destination, {
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
