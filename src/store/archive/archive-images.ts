// What an archive read by archive-reader holds, as store images: the OCI layout part
// (index.json, as docker save >= 25 and oci-archive write it: manifests kept byte for byte) or
// else docker's manifest.json (older docker save, skopeo docker-archive: a Docker v2 manifest
// is built over the config and layer files). Every referenced file enters the store verified.
// readArchiveImages is the whole of it for `load`: every image of the archive, with its names.
import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { digestOf } from '../../oci/digest.js';
import { DOCKER_CONTAINER_CONFIG, DOCKER_MANIFEST_V2, isIndexMediaType, isImageManifestMediaType } from '../../oci/media-types.js';
import { parseImageConfig, parseManifest, type Descriptor } from '../../oci/manifest.js';
import { hostPlatform, selectManifest } from '../../oci/platform.js';
import type { LayoutStore } from '../layout/layout-store.js';
import { imageNameOf } from '../layout/image-names.js';
import { METADATA_LIMIT, withArchive, type ArchiveContents, type ArchiveFile } from './archive-reader.js';
import { checkNamedDigest, fullName, invalid, repoTags, type DockerManifestEntry } from './archive-names.js';
import { resolveAlias } from './entry-names.js';
import { DOCKER_LAYER_TAR, sniffLayerMediaType } from './layer-compression.js';

export interface ArchiveImage {
  /** Full names to record (empty: untagged, reported by ID). */
  names: string[];
  descriptor: Descriptor;
  /** docker's image ID: the config digest (the index digest for a multi-platform image). */
  id: string;
}

/** A JSON file of the archive (kept in memory by the reader), undefined when absent. */
export function archiveJson(contents: ArchiveContents, name: string): unknown {
  const file = contents.files.get(resolveAlias(name, contents.links));
  if (!file) return undefined;
  if (file.kind !== 'bytes') throw invalid(`${name} in the archive is larger than ${METADATA_LIMIT} bytes`);
  try {
    return JSON.parse(file.bytes.toString('utf8'));
  } catch {
    throw invalid(`${name} in the archive is not valid JSON`);
  }
}

/** Puts what an archive's images reference into the store, checking it on the way. */
export class ArchiveLoader {
  constructor(
    private readonly store: LayoutStore,
    private readonly contents: ArchiveContents,
  ) {}

  /** Puts the file `name` into the store (once); returns its digest and size. */
  async file(name: string): Promise<ArchiveFile> {
    const file = this.contents.files.get(resolveAlias(name, this.contents.links));
    if (!file) throw invalid(`the archive lacks ${name}`);
    if (file.kind === 'bytes') await this.store.writeBlobBytes(file.digest, file.bytes);
    if (file.kind === 'staged') await this.store.writeBlob(file.digest, createReadStream(file.file), { size: file.size });
    return file;
  }

  /** A blob under blobs/ (OCI part), stored and checked. */
  async blob(d: Descriptor, what: string): Promise<void> {
    const [alg, hex] = d.digest.split(':');
    const file = await this.file(`blobs/${alg}/${hex}`).catch(() => {
      throw invalid(`the archive lacks blob ${d.digest} (${what})`);
    });
    if (file.digest !== d.digest || file.size !== d.size) throw invalid(`blob ${d.digest} (${what}) is ${file.size} bytes, its descriptor says ${d.size}`);
  }

  /** Every blob an OCI descriptor reaches must be in the archive. */
  async reach(d: Descriptor, depth = 0): Promise<string> {
    if (depth > 4) throw invalid('indexes nested too deep');
    await this.blob(d, 'manifest');
    const parsed = parseManifest(await this.store.readBlobBytes(d.digest, METADATA_LIMIT), d.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.index.manifests) await this.reach(child, depth + 1);
      return d.digest;
    }
    await this.blob(parsed.manifest.config, 'config');
    for (const layer of parsed.manifest.layers) await this.blob(layer, 'layer');
    return parsed.manifest.config.digest;
  }

  /**
   * An index whose archive holds only some platforms (docker's containerd store saves what it
   * pulled) is loaded as the platform present: this machine's if there, else the first, the way
   * a single-platform pull records it. A complete index is kept whole.
   */
  private async usable(d: Descriptor): Promise<Descriptor> {
    if (!isIndexMediaType(d.mediaType)) return d;
    await this.blob(d, 'index');
    const parsed = parseManifest(await this.store.readBlobBytes(d.digest, METADATA_LIMIT), d.mediaType);
    if (parsed.kind !== 'index') return d;
    const has = (c: Descriptor) => this.contents.files.has(resolveAlias(`blobs/${c.digest.replace(':', '/')}`, this.contents.links));
    const present = parsed.index.manifests.filter(has);
    if (present.length === parsed.index.manifests.length || present.length === 0) return d;
    return selectManifest({ ...parsed.index, manifests: present }, hostPlatform()) ?? present[0]!;
  }

  async fromIndex(index: unknown, dockerEntries: DockerManifestEntry[]): Promise<ArchiveImage[]> {
    const manifests = (index as { manifests?: unknown }).manifests;
    if (!Array.isArray(manifests)) throw invalid('index.json in the archive has no manifests list');
    const images: ArchiveImage[] = [];
    for (const raw of manifests as Descriptor[]) {
      if (typeof raw?.mediaType !== 'string' || !(isIndexMediaType(raw.mediaType) || isImageManifestMediaType(raw.mediaType))) continue;
      const descriptor = await this.usable(raw);
      const configOrIndex = await this.reach(descriptor);
      // The store's reading of the two annotations (a stale containerd name loses to ref.name).
      const name = fullName(imageNameOf(raw));
      if (name) checkNamedDigest(name, descriptor.digest);
      let names = name ? [name] : [];
      if (!name) {
        // docker's manifest.json names the image by its config when index.json does not.
        const entry = dockerEntries.find((e) => typeof e.Config === 'string' && e.Config.endsWith(configOrIndex.split(':')[1]!));
        names = repoTags(entry);
      }
      const { annotations: _dropped, ...bare } = descriptor;
      images.push({ names, descriptor: bare, id: configOrIndex });
    }
    return images;
  }

  async fromDockerManifest(entries: DockerManifestEntry[]): Promise<ArchiveImage[]> {
    const images: ArchiveImage[] = [];
    for (const entry of entries) {
      if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
        throw invalid('manifest.json in the archive has an entry without Config or Layers');
      }
      const configFile = await this.file(entry.Config);
      const named = /(?:^|\/)([a-f0-9]{64})\.json$/.exec(entry.Config);
      if (named && `sha256:${named[1]}` !== configFile.digest) throw invalid(`${entry.Config} in the archive does not match the digest in its name`);
      const config = parseImageConfig(await this.store.readBlobBytes(configFile.digest, METADATA_LIMIT));
      const layers: Descriptor[] = [];
      for (const [i, layerName] of (entry.Layers as string[]).entries()) {
        const file = await this.file(layerName);
        const mediaType = await this.layerMediaType(file.digest);
        const diffId = config.rootfs.diff_ids[i];
        if (mediaType === DOCKER_LAYER_TAR && diffId !== undefined && diffId !== file.digest) {
          throw invalid(`layer ${layerName} in the archive does not match the image config (diff ID ${diffId}, content ${file.digest})`);
        }
        layers.push({ mediaType, digest: file.digest, size: file.size });
      }
      if (layers.length !== config.rootfs.diff_ids.length) throw invalid(`${entry.Config}: the config names ${config.rootfs.diff_ids.length} layers, manifest.json ${layers.length}`);
      const manifest = {
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST_V2,
        config: { mediaType: DOCKER_CONTAINER_CONFIG, size: configFile.size, digest: configFile.digest },
        layers,
      };
      const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
      const digest = digestOf(bytes);
      await this.store.writeBlobBytes(digest, bytes);
      images.push({ names: repoTags(entry), descriptor: { mediaType: DOCKER_MANIFEST_V2, digest, size: bytes.length }, id: configFile.digest });
    }
    return images;
  }

  /** Layers in old archives are plain tars; docker 25+ / containerd ones may be compressed. */
  private async layerMediaType(digest: string): Promise<string> {
    const handle = await fs.open(this.store.blobPath(digest), 'r');
    const head = Buffer.alloc(4);
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    return sniffLayerMediaType(head);
  }
}

/** The images of an archive, their blobs now in the store; nothing is indexed yet. */
export async function archiveImages(store: LayoutStore, contents: ArchiveContents): Promise<ArchiveImage[]> {
  const loader = new ArchiveLoader(store, contents);
  const docker = archiveJson(contents, 'manifest.json');
  if (docker !== undefined && !Array.isArray(docker)) throw invalid('manifest.json in the archive is not a list');
  const dockerEntries = (docker ?? []) as DockerManifestEntry[];
  const index = archiveJson(contents, 'index.json');
  if (index !== undefined) return loader.fromIndex(index, dockerEntries);
  if (docker !== undefined) return loader.fromDockerManifest(dockerEntries);
  throw invalid('the archive holds neither index.json nor manifest.json: it is not an image archive');
}

/**
 * Every image of the archive `input`, read once, front to back, straight into `store` (no blob
 * is written twice); nothing is indexed: the caller does that once it has checked them.
 */
export function readArchiveImages(store: LayoutStore, input: Readable, opts: { signal?: AbortSignal } = {}): Promise<ArchiveImage[]> {
  return withArchive(store, input, opts, (contents) => archiveImages(store, contents));
}
