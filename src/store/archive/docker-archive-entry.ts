// The image a docker-archive location names, as a manifest in a layout the archive was read
// into. The image is the manifest.json entry (docker-archive-choice.ts); when the archive also
// has docker 25's OCI part and one of its manifests has that entry's config and layers, that
// manifest is used (byte for byte when its layers are compressed: digests survive a round trip
// through `save`); otherwise a Docker v2 manifest is built over the entry, as skopeo does.
// Plain layer tars are gzip'd on the way (layer-compression.ts) and the manifest names the
// compressed blobs; the config, and so the image ID and its diff_ids, stay as they are.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { digestOf } from '../../oci/digest.js';
import { parseImageConfig, parseManifest, type Descriptor } from '../../oci/manifest.js';
import { DOCKER_CONTAINER_CONFIG, DOCKER_MANIFEST_V2 } from '../../oci/media-types.js';
import type { LayoutStore } from '../layout/layout-store.js';
import { archiveJson, ArchiveLoader } from './archive-images.js';
import { invalid, type DockerManifestEntry } from './archive-names.js';
import { METADATA_LIMIT, type ArchiveContents, type ArchiveFile } from './archive-reader.js';
import { chooseDockerArchiveEntry } from './docker-archive-choice.js';
import { resolveAlias } from './entry-names.js';
import { gzipIntoStore, gzipMediaType, sniffLayerMediaType } from './layer-compression.js';

interface Layer {
  name: string;
  file: ArchiveFile;
  diffId: string | undefined;
}

class DockerArchiveImage {
  private readonly loader: ArchiveLoader;

  constructor(
    private readonly store: LayoutStore,
    private readonly contents: ArchiveContents,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.loader = new ArchiveLoader(store, contents);
  }

  fileOf(name: string): ArchiveFile {
    const file = this.contents.files.get(resolveAlias(name, this.contents.links));
    if (!file) throw invalid(`the archive lacks ${name}`);
    return file;
  }

  private bytesOf(file: ArchiveFile): Readable {
    if (file.kind === 'bytes') return Readable.from([file.bytes]);
    if (file.kind === 'staged') return createReadStream(file.file, { highWaterMark: 1024 * 1024 });
    return this.store.openBlob(file.digest);
  }

  private async head(file: ArchiveFile): Promise<Buffer> {
    if (file.kind === 'bytes') return file.bytes.subarray(0, 4);
    const chunks: Buffer[] = [];
    for await (const chunk of file.kind === 'staged' ? createReadStream(file.file, { start: 0, end: 3 }) : this.store.readBlobRange(file.digest, 0, 4)) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  /** The layer as it goes into the manifest: gzip'd when it is a plain tar, else stored as is. */
  async layer(layer: Layer, mediaType: string | undefined): Promise<Descriptor> {
    const type = mediaType ?? sniffLayerMediaType(await this.head(layer.file));
    const gzipType = gzipMediaType(type);
    if (gzipType === undefined) {
      await this.loader.file(layer.name);
      return { mediaType: type, digest: layer.file.digest, size: layer.file.size };
    }
    if (layer.diffId !== undefined && layer.diffId !== layer.file.digest) {
      throw invalid(`layer ${layer.name} in the archive does not match the image config (diff ID ${layer.diffId}, content ${layer.file.digest})`);
    }
    const gzipped = await gzipIntoStore(this.store, this.bytesOf(layer.file), this.signal ? { signal: this.signal } : {});
    return { mediaType: gzipType, ...gzipped };
  }

  /** A manifest of the archive's index.json (or one of its indexes) with this config and these layers. */
  async ociManifest(config: string, layers: readonly Layer[]): Promise<{ descriptor: Descriptor; manifest: Record<string, unknown> } | undefined> {
    const index = archiveJson(this.contents, 'index.json') as { manifests?: unknown } | undefined;
    const queue = Array.isArray(index?.manifests) ? [...(index.manifests as Descriptor[])] : [];
    // Bounded: a hostile index listing itself must not loop.
    for (let seen = 0; queue.length > 0 && seen < 256; seen++) {
      const d = queue.shift()!;
      const bytes = await this.store.readBlobBytes(d.digest, METADATA_LIMIT).catch(() => undefined);
      if (!bytes || digestOf(bytes) !== d.digest) continue;
      const parsed = parseManifest(bytes, d.mediaType);
      if (parsed.kind === 'index') {
        queue.push(...parsed.index.manifests);
        continue;
      }
      const m = parsed.manifest;
      if (m.config.digest !== config || m.layers.length !== layers.length || m.layers.some((l, i) => l.digest !== layers[i]!.file.digest)) continue;
      return { descriptor: { mediaType: d.mediaType, digest: d.digest, size: d.size }, manifest: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> };
    }
    return undefined;
  }

  async write(manifest: unknown, mediaType: string): Promise<Descriptor> {
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = digestOf(bytes);
    await this.store.writeBlobBytes(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  }
}

/** The named image's top manifest, now in `store` with every blob it needs. */
export async function dockerArchiveEntry(store: LayoutStore, contents: ArchiveContents, ref: string | undefined, location: string, opts: { signal?: AbortSignal } = {}): Promise<Descriptor> {
  const entries = archiveJson(contents, 'manifest.json');
  if (entries === undefined) throw invalid(`${location}: the archive has no manifest.json, so it is not a docker-archive`, 'an oci-archive: read it as oci-archive:FILE');
  if (!Array.isArray(entries)) throw invalid('manifest.json in the archive is not a list');
  const entry: DockerManifestEntry = chooseDockerArchiveEntry(entries as DockerManifestEntry[], ref, location);
  if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
    throw invalid('manifest.json in the archive has an entry without Config or Layers');
  }
  const image = new DockerArchiveImage(store, contents, opts.signal);
  const configFile = await new ArchiveLoader(store, contents).file(entry.Config);
  const named = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config);
  if (named && `sha256:${named[1]}` !== configFile.digest) throw invalid(`${entry.Config} in the archive does not match the digest in its name`);
  const config = parseImageConfig(await store.readBlobBytes(configFile.digest, METADATA_LIMIT));
  const layers = (entry.Layers as string[]).map((name, i): Layer => ({ name, file: image.fileOf(name), diffId: config.rootfs.diff_ids[i] }));
  if (layers.length !== config.rootfs.diff_ids.length) throw invalid(`${entry.Config}: the config names ${config.rootfs.diff_ids.length} layers, manifest.json ${layers.length}`);

  const oci = await image.ociManifest(configFile.digest, layers);
  if (oci) {
    const described = oci.manifest.layers as Descriptor[];
    const rewritten: Descriptor[] = [];
    for (const [i, layer] of layers.entries()) rewritten.push({ ...described[i]!, ...(await image.layer(layer, described[i]!.mediaType)) });
    // All compressed already: the archive's manifest, byte for byte.
    if (rewritten.every((l, i) => l.digest === described[i]!.digest)) return oci.descriptor;
    return image.write({ ...oci.manifest, layers: rewritten }, oci.descriptor.mediaType);
  }
  const built: Descriptor[] = [];
  for (const layer of layers) built.push(await image.layer(layer, undefined));
  return image.write(
    { schemaVersion: 2, mediaType: DOCKER_MANIFEST_V2, config: { mediaType: DOCKER_CONTAINER_CONFIG, size: configFile.size, digest: configFile.digest }, layers: built },
    DOCKER_MANIFEST_V2,
  );
}
