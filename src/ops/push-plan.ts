// What a push of NAME:TAG sends, read from the local store: the manifests (platform children
// before the index that names them) and every config and layer blob once, with docker's layer
// IDs. Errors name the missing piece in docker's words where docker has them.
import { RegctlError, UsageError } from '../errors.js';
import { shortId } from '../oci/digest.js';
import { isForeignLayerMediaType } from '../oci/media-types.js';
import { parseImageConfig, parseManifest, type Descriptor, type ImageConfig, type ImageIndex, type Platform } from '../oci/manifest.js';
import { formatPlatform, platformMatches } from '../oci/platform.js';
import { parseReference, type Reference, type Repository } from '../reference/parse.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import type { ManifestResult } from '../store/backend.js';
import { MANIFEST_LIMIT } from '../store/remote/manifest.js';
import type { TransferPlan } from './transfer.js';

/** Push order: platform children (by digest) first, the last one pushed under the tag; blobs once each, docker's order and IDs. */
export type PushPlan = TransferPlan;
type PlannedManifest = ManifestResult;

/** Tags of `repo` in the store (for `push -a`), sorted. */
export async function localTags(store: LayoutStore, repo: Repository): Promise<string[]> {
  const tags = new Set<string>();
  for (const image of await store.listImages()) {
    let ref: Reference;
    try {
      ref = parseReference(image.name);
    } catch {
      continue; // names other tools wrote (skopeo's bare "v1")
    }
    if (ref.name() === repo.name() && ref.tag !== undefined && ref.digest === undefined) tags.add(ref.tag);
  }
  return [...tags].sort();
}

/** docker's message when the repository has no local image at all. */
export function noLocalImage(repo: Repository): RegctlError {
  return new RegctlError('REGCTL_NOT_FOUND', `An image does not exist locally with the tag: ${repo.familiarName()}`);
}

async function readManifest(store: LayoutStore, d: Descriptor, what: string): Promise<PlannedManifest> {
  try {
    const bytes = await store.readBlobBytes(d.digest, MANIFEST_LIMIT);
    return { digest: d.digest, mediaType: d.mediaType, bytes, size: bytes.length };
  } catch (err) {
    if ((err as RegctlError).code !== 'REGCTL_NOT_FOUND') throw err;
    throw new RegctlError('REGCTL_NOT_FOUND', `${what} (manifest ${d.digest}) is not in the local store`, {
      hint: 'pull the image again with --all-platforms, or push one platform with --platform',
    });
  }
}

class Planner {
  readonly manifests: PlannedManifest[] = [];
  private readonly configs = new Map<string, Descriptor>();
  private readonly layers = new Map<string, Descriptor>();
  readonly layerIds = new Map<string, string>();

  constructor(private readonly store: LayoutStore) {}

  /** Adds an image manifest; returns its config's platform (for --platform checks) when it has one. */
  async image(m: PlannedManifest): Promise<Platform | undefined> {
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind !== 'image') throw new RegctlError('REGCTL_INVALID_MANIFEST', `expected an image manifest at ${m.digest}`);
    const { config, layers } = parsed.manifest;
    const parsedConfig = await this.config(config);
    const diffIds = parsedConfig?.rootfs.diff_ids ?? [];
    this.configs.set(config.digest, config);
    // docker lists (and pushes) the top-most layer first and names layers by their diff ID.
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (isForeignLayerMediaType(layer.mediaType) || this.layers.has(layer.digest)) continue;
      this.layers.set(layer.digest, layer);
      const diffId = diffIds.length === layers.length ? diffIds[i] : undefined;
      this.layerIds.set(layer.digest, shortId(diffId ?? layer.digest));
    }
    this.manifests.push(m);
    if (!parsedConfig) return undefined;
    const { os, architecture, variant } = parsedConfig;
    return { os, architecture, ...(variant ? { variant } : {}) };
  }

  /** The image config; undefined for artifacts, whose config is not one (it is still pushed). */
  private async config(d: Descriptor): Promise<ImageConfig | undefined> {
    const bytes = await this.store.readBlobBytes(d.digest);
    try {
      return parseImageConfig(bytes);
    } catch {
      return undefined;
    }
  }

  async index(m: PlannedManifest, index: ImageIndex, name: string, depth = 0): Promise<void> {
    if (depth > 4) throw new RegctlError('REGCTL_INVALID_MANIFEST', `${name}: indexes nested too deep`);
    for (const child of index.manifests) {
      const what = `${name} for ${child.platform ? formatPlatform(child.platform) : child.digest}`;
      const cm = await readManifest(this.store, child, what);
      const parsed = parseManifest(cm.bytes, cm.mediaType);
      if (parsed.kind === 'index') await this.index(cm, parsed.index, name, depth + 1);
      else await this.image(cm);
    }
    this.manifests.push(m);
  }

  blobs(): Descriptor[] {
    return [...this.configs.values(), ...this.layers.values()];
  }
}

/**
 * Plans the push of the local image named `ref` (a tag). An index is pushed whole, unless
 * `platform` picks one of its children, which is then pushed under the tag.
 */
export async function planPush(store: LayoutStore, ref: Reference, platform?: Platform): Promise<PushPlan> {
  if (ref.digest) throw new UsageError('cannot push a digest reference');
  const stored = await store.getImage(ref.toString());
  if (!stored) {
    if ((await localTags(store, ref)).length > 0) throw new RegctlError('REGCTL_NOT_FOUND', `tag does not exist: ${ref.familiar()}`);
    throw noLocalImage(ref);
  }
  const name = ref.familiar();
  const top = await readManifest(store, stored.descriptor, name);
  const parsed = parseManifest(top.bytes, top.mediaType);
  const planner = new Planner(store);
  if (parsed.kind === 'index') {
    if (platform) {
      const child = parsed.index.manifests.find((d) => d.platform && platformMatches(platform, d.platform));
      if (!child) throw new RegctlError('REGCTL_NOT_FOUND', `no matching manifest for ${formatPlatform(platform)} in the manifest list entries`);
      await planner.image(await readManifest(store, child, `${name} for ${formatPlatform(platform)}`));
    } else {
      await planner.index(top, parsed.index, name);
    }
  } else {
    const actual = await planner.image(top);
    if (platform && !(actual && platformMatches(platform, actual))) {
      throw new RegctlError(
        'REGCTL_NOT_FOUND',
        `image with reference ${name} was found but does not match the specified platform: wanted ${formatPlatform(platform)}, actual: ${actual ? formatPlatform(actual) : 'unknown'}`,
      );
    }
  }
  return { resolved: top, manifests: planner.manifests, blobs: planner.blobs(), layerIds: planner.layerIds };
}
