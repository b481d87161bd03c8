// What docker shows about an image in its store, computed from our OCI layout: the image ID
// (config digest, or the index digest for a multi-platform entry), created time, size, and the
// reference forms. Shared by images, inspect, tag and rmi. Unnamed index.json entries are
// untagged images (docker's `<none>`): listed with no name, found only by image ID.
import { RegctlError, isRegctlError } from '../errors.js';
import { isIndexMediaType } from '../oci/media-types.js';
import { parseImageConfig, parseManifest, type Descriptor, type ImageConfig } from '../oci/manifest.js';
import { hostPlatform, selectManifest } from '../oci/platform.js';
import { parseReference, type Reference } from '../reference/parse.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { RESOLVED_DIGEST_ANNOTATION, referenceOfImageName } from '../store/layout/image-names.js';
import { FILE_CONCURRENCY, mapLimit } from '../util/concurrency.js';
import { isImageConfigType } from './image-only.js';

const MANIFEST_READ_LIMIT = 4 * 1024 * 1024;

/** An index.json entry: named (StoredImage) or not (an untagged image). */
export interface LocalEntry {
  name: string | undefined;
  descriptor: Descriptor;
}

export interface LocalImage {
  /** Full stored name, e.g. docker.io/library/busybox:latest; undefined for an untagged image. */
  name: string | undefined;
  /** Parsed name; undefined for names other tools wrote that name no repository (e.g. skopeo's bare "v1": listed untagged, as `load` reads it). */
  ref: Reference | undefined;
  descriptor: Descriptor;
  /** docker's image ID: the config digest (the index digest for a multi-platform entry). */
  id: string;
  /** Config of the image manifest (for an index: this machine's platform, else the first). */
  config: ImageConfig | undefined;
  /**
   * Digest the name's repository knows the image by (RepoDigests): the digest a pull resolved,
   * or the digest in a NAME@DIGEST name. Undefined for names given locally (tag to another
   * repository) and for entries other tools wrote, as docker shows no RepoDigest for those.
   */
  repoDigest: string | undefined;
  /** Bytes of every blob the image references, counted once. */
  size: number;
  /** Digests of the blobs the image references (manifests, configs, layers). */
  blobs: string[];
  /** Layer descriptors of the image manifest `config` comes from. */
  layers: Descriptor[];
  /** Layer digests of every image manifest the entry reaches, in order, once each. */
  layerDigests: string[];
  /**
   * Set for an entry that is an OCI artifact, not an image (its manifest's artifactType, else its
   * config media type): older versions could store one; `images` does not list it, rmi removes it.
   */
  artifactType?: string;
  /** Why the entry could not be read (a blob missing or unparsable); the other fields are then best effort. */
  problem?: string;
}

function tryParseName(name: string | undefined): Reference | undefined {
  if (name === undefined) return undefined;
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

function repoDigestOf(stored: LocalEntry, ref: Reference | undefined): string | undefined {
  return stored.descriptor.annotations?.[RESOLVED_DIGEST_ANNOTATION] ?? ref?.digest;
}

export async function describeImage(store: LayoutStore, stored: LocalEntry): Promise<LocalImage> {
  const blobs = new Map<string, number>();
  const layerDigests = new Set<string>();
  let config: ImageConfig | undefined;
  let configDigest: string | undefined;
  let layers: Descriptor[] = [];
  let artifactType: string | undefined;
  const visit = async (d: Descriptor): Promise<void> => {
    blobs.set(d.digest, d.size);
    const parsed = parseManifest(await store.readBlobBytes(d.digest, MANIFEST_READ_LIMIT), d.mediaType);
    if (parsed.kind === 'index') {
      // This machine's platform first, so that its config is the one shown (as docker does).
      const preferred = selectManifest(parsed.index, hostPlatform());
      const children = preferred ? [preferred, ...parsed.index.manifests.filter((c) => c !== preferred)] : parsed.index.manifests;
      for (const child of children) if (!blobs.has(child.digest)) await visit(child);
      return;
    }
    const m = parsed.manifest;
    blobs.set(m.config.digest, m.config.size);
    for (const l of m.layers) {
      blobs.set(l.digest, l.size);
      layerDigests.add(l.digest);
    }
    if (!configDigest) {
      configDigest = m.config.digest;
      layers = [...m.layers];
      if (isImageConfigType(m.config.mediaType)) config = parseImageConfig(await store.readBlobBytes(m.config.digest, MANIFEST_READ_LIMIT));
      else artifactType = m.artifactType ?? m.config.mediaType;
    }
  };
  await visit(stored.descriptor);
  const isIndex = isIndexMediaType(stored.descriptor.mediaType);
  const ref = referenceOfImageName(stored.name);
  return {
    name: stored.name,
    ref,
    descriptor: stored.descriptor,
    id: isIndex ? stored.descriptor.digest : (configDigest ?? stored.descriptor.digest),
    config,
    repoDigest: repoDigestOf(stored, ref),
    size: [...blobs.values()].reduce((a, b) => a + b, 0),
    blobs: [...blobs.keys()],
    layers,
    layerDigests: [...layerDigests],
    ...(artifactType !== undefined ? { artifactType } : {}),
  };
}

/**
 * Like describeImage, but an entry whose blobs are missing or unreadable (a layout another
 * tool trimmed) is still listed, by its descriptor, so that `images` keeps working and
 * `rmi` can remove it.
 */
async function describeOrDegrade(store: LayoutStore, stored: LocalEntry): Promise<LocalImage> {
  try {
    return await describeImage(store, stored);
  } catch (err) {
    if (!isRegctlError(err) || !['REGCTL_NOT_FOUND', 'REGCTL_INVALID_MANIFEST', 'REGCTL_UNSUPPORTED', 'REGCTL_TOO_LARGE'].includes(err.code)) throw err;
    const ref = referenceOfImageName(stored.name);
    return {
      name: stored.name,
      ref,
      descriptor: stored.descriptor,
      id: stored.descriptor.digest,
      config: undefined,
      repoDigest: repoDigestOf(stored, ref),
      size: stored.descriptor.size,
      blobs: [stored.descriptor.digest],
      layers: [],
      layerDigests: [],
      problem: err.message,
    };
  }
}

/** Named entries, then untagged ones (each unnamed index.json entry); a few files open at a time. */
export async function listLocalImages(store: LayoutStore): Promise<LocalImage[]> {
  const entries: LocalEntry[] = [...(await store.listImages()), ...(await store.listUnnamedImages()).map((descriptor) => ({ name: undefined, descriptor }))];
  return mapLimit(entries, FILE_CONCURRENCY, (s) => describeOrDegrade(store, s));
}

const ID_PREFIX = /^(sha256:)?[0-9a-f]{1,64}$/;

/**
 * Finds local images by reference (`busybox`, `busybox:1.36`, full names) or by image ID
 * prefix (`3f57d9401f8d`, `sha256:3f57...`), as docker's `tag`, `rmi` and `inspect` do.
 * Pass `images` to search a listing the caller already has.
 */
export async function findLocalImages(
  store: LayoutStore,
  input: string,
  images?: LocalImage[],
): Promise<{ byName: LocalImage | undefined; byId: LocalImage[] }> {
  const all = images ?? (await listLocalImages(store));
  let byName: LocalImage | undefined;
  const ref = tryParseName(input);
  if (ref) {
    const wanted = ref.digest ? `${ref.name()}@${ref.digest}` : ref.toString();
    byName = all.find((i) => i.name === wanted) ?? all.find((i) => i.ref && ref.digest && i.ref.name() === ref.name() && i.repoDigest === ref.digest);
  }
  byName ??= all.find((i) => i.name !== undefined && i.name === input);
  const byId = ID_PREFIX.test(input) ? all.filter((i) => i.id.replace(/^sha256:/, '').startsWith(input.replace(/^sha256:/, ''))) : [];
  return { byName, byId };
}

/** The one image `input` names, or docker's `No such image: INPUT`. */
export async function resolveLocalImage(store: LayoutStore, input: string, images?: LocalImage[]): Promise<LocalImage> {
  const { byName, byId } = await findLocalImages(store, input, images);
  if (byName) return byName;
  const ids = new Set(byId.map((i) => i.id));
  if (ids.size > 1) throw new RegctlError('REGCTL_USAGE', `multiple IDs found with provided prefix: ${input}`);
  if (byId[0]) return byId[0];
  throw noSuchImage(input);
}

/** docker's `No such image: busybox:latest` (familiar form with the default tag), exit 4. */
export function noSuchImage(input: string): RegctlError {
  const shown = tryParseName(input);
  return new RegctlError('REGCTL_NOT_FOUND', `No such image: ${shown ? shown.familiar() : input}`);
}
