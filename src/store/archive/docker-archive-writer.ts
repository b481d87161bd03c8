// The tar `docker save` writes since Engine 25, used by `save` and by the docker-archive
// destination: an OCI layout (oci-layout, index.json naming each image, blobs/sha256/...) plus
// docker's manifest.json and repositories, so that docker load, skopeo docker-archive: and
// oci-archive: all read it. The writer is a transfer destination over one open tar: every image
// is moved into it by the transfer engine (writer.image(...) is that image's ImageDestination),
// its blobs streamed straight from the source into tar entries, hashed on the way; the metadata
// naming every image is written once, after the last one. Blobs go out once however many
// images share them.
import type { Writable } from 'node:stream';
import type { Pack } from 'tar-stream';
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { digestOf, parseDigest } from '../../oci/digest.js';
import { parseManifest, type Annotations, type Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../../oci/media-types.js';
import { hostPlatform, selectManifest } from '../../oci/platform.js';
import type { Reference } from '../../reference/parse.js';
import type { BlobPutResult, BlobSource, ImageDestination, ManifestResult, PutBlobOptions, PutManifestsOptions } from '../backend.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION } from '../layout/layout-store.js';
import { blobEntryName, packBlob, packFile, writeTar } from './tar-pack.js';

const MAX_INDEX_DEPTH = 4;

/** One name of an image: index.json takes the full name, manifest.json the familiar NAME:TAG. */
export interface DockerArchiveName {
  full: string;
  familiar: string;
  repo: string;
  tag: string;
}

export interface DockerArchiveImage {
  /** Empty: untagged (RepoTags null), as docker save writes an image asked for by ID. */
  names: DockerArchiveName[];
  /**
   * The image's descriptor as its layout records it (platform and annotations are carried into
   * index.json); default: the top manifest the transfer writes.
   */
  descriptor?: Descriptor;
}

export function dockerArchiveName(ref: Reference): DockerArchiveName {
  return { full: ref.toString(), familiar: ref.familiar(), repo: ref.familiarName(), tag: ref.tag ?? 'latest' };
}

/** What manifest.json shows of an image: one config and its layers. */
interface ImageView {
  config: Descriptor;
  layers: Descriptor[];
}

interface WrittenImage {
  descriptor: Descriptor;
  names: DockerArchiveName[];
  view: ImageView;
}

/** The layout's annotations minus regctl's own and the old names; the archive's names added. */
function archiveDescriptor(d: Descriptor, name?: DockerArchiveName): Descriptor {
  const kept = Object.entries(d.annotations ?? {}).filter(([k]) => !k.startsWith('dev.regctl.') && k !== REF_NAME_ANNOTATION && k !== CONTAINERD_NAME_ANNOTATION);
  const annotations: Record<string, string> = Object.fromEntries(kept);
  if (name) Object.assign(annotations, { [CONTAINERD_NAME_ANNOTATION]: name.full, [REF_NAME_ANNOTATION]: name.tag });
  const { annotations: _old, ...rest } = d;
  return Object.keys(annotations).length > 0 ? { ...rest, annotations: annotations as Annotations } : rest;
}

/**
 * The image docker's manifest.json can show for `top`: itself, or for an index this machine's
 * platform (else the first child), as docker save names one config per entry.
 */
function viewOf(top: ManifestResult, manifests: ReadonlyMap<string, ManifestResult>, depth = 0): ImageView {
  if (depth > MAX_INDEX_DEPTH) throw new RegctlError('REGCTL_INVALID_MANIFEST', `index ${top.digest}: indexes nested too deep`);
  const parsed = parseManifest(top.bytes, top.mediaType);
  if (parsed.kind === 'image') return { config: parsed.manifest.config, layers: [...parsed.manifest.layers] };
  const preferred = selectManifest(parsed.index, hostPlatform());
  const child = [preferred, ...parsed.index.manifests].find((c) => c !== undefined && manifests.has(c.digest));
  if (!child) throw new RegctlError('REGCTL_INVALID_MANIFEST', `index ${top.digest} lists no manifests`);
  return viewOf(manifests.get(child.digest)!, manifests, depth + 1);
}

/** docker >= 25 maps each tag to its top layer's blob, as it names it in manifest.json. */
function repositories(images: readonly WrittenImage[]): Record<string, Record<string, string>> {
  const repos: Record<string, Record<string, string>> = {};
  for (const i of images) {
    const top = i.view.layers.at(-1);
    if (!top) continue;
    for (const n of i.names) (repos[n.repo] ??= {})[n.tag] = parseDigest(top.digest).hex;
  }
  return repos;
}

/** One docker-archive tar being written: a transfer destination per image, then the metadata. */
export class DockerArchiveWriter {
  /** Digests with a tar entry (or one being written): each blob goes out once. */
  private readonly packed = new Set<string>();
  private readonly images: WrittenImage[] = [];
  /** Entries are written one after the other: a tar cannot interleave them. */
  private queue: Promise<unknown> = Promise.resolve();
  private failed: Error | undefined;

  constructor(private readonly p: Pack) {}

  /** Runs `fn` after every entry queued before it; a failure destroys the tar, and later calls fail with it. */
  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.failed) throw this.failed;
      try {
        return await fn();
      } catch (err) {
        this.failed = err as Error;
        this.p.destroy(this.failed);
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Streams `source` into the blob's entry; the digest and size are checked before its last byte. */
  private putBlob(d: Descriptor, source: BlobSource, o: PutBlobOptions): Promise<BlobPutResult> {
    return this.serially(async () => {
      if (this.packed.has(d.digest)) return { kind: 'exists' };
      this.packed.add(d.digest);
      await packBlob(this.p, d, source.read(0, d.size), source.origin ?? 'the local store', o.onBytes);
      return { kind: 'written', bytes: d.size };
    });
  }

  /** Packs the manifests not in the tar yet (their bytes checked against their digest). */
  private putManifests(manifests: readonly ManifestResult[], name: string, o: PutManifestsOptions): Promise<void> {
    return this.serially(async () => {
      for (const m of manifests) {
        if (!this.packed.has(m.digest)) {
          const actual = digestOf(m.bytes, parseDigest(m.digest).algorithm);
          if (actual !== m.digest) throw new DigestMismatchError(m.digest, actual, `manifest for ${name}`);
          this.packed.add(m.digest);
          await packFile(this.p, blobEntryName(m.digest), m.bytes, 0o444);
        }
        o.onManifest?.(m, `${name}@${m.digest}`);
      }
    });
  }

  /** The destination one image is transferred into; commit() records it for the metadata. */
  image(image: DockerArchiveImage, name = 'docker-archive'): ImageDestination {
    const manifests = new Map<string, ManifestResult>();
    let top: ManifestResult | undefined;
    return {
      name,
      presentBlobs: async (blobs) => new Set(blobs.filter((d) => this.packed.has(d.digest)).map((d) => d.digest)),
      putBlob: (d, source, o = {}) => this.putBlob(d, source, o),
      putManifests: async (list, o = {}) => {
        await this.putManifests(list, name, o);
        for (const m of list) manifests.set(m.digest, m);
        top = list.at(-1);
        if (!top) throw new RegctlError('REGCTL_INTERNAL', `${name}: no manifest to write`);
        return top;
      },
      commit: async () => {
        if (!top) throw new RegctlError('REGCTL_INTERNAL', `${name}: commit before the manifests`);
        const descriptor = image.descriptor ?? { mediaType: top.mediaType, digest: top.digest, size: top.size };
        if (descriptor.digest !== top.digest) throw new RegctlError('REGCTL_INTERNAL', `${name}: wrote ${top.digest}, not ${descriptor.digest}`);
        this.images.push({ descriptor, names: image.names, view: viewOf(top, manifests) });
      },
      close: async () => undefined,
    };
  }

  /** index.json naming every committed image, docker's manifest.json and repositories. */
  async writeMetadata(): Promise<void> {
    await this.queue;
    if (this.failed) throw this.failed;
    const index = {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: this.images.flatMap((i) => (i.names.length > 0 ? i.names.map((n) => archiveDescriptor(i.descriptor, n)) : [archiveDescriptor(i.descriptor)])),
    };
    await packFile(this.p, 'index.json', JSON.stringify(index));
    const manifest = this.images.map((i) => ({
      Config: blobEntryName(i.view.config.digest),
      RepoTags: i.names.length > 0 ? i.names.map((n) => n.familiar) : null,
      Layers: i.view.layers.map((l) => blobEntryName(l.digest)),
    }));
    await packFile(this.p, 'manifest.json', JSON.stringify(manifest));
    const repos = repositories(this.images);
    if (Object.keys(repos).length > 0) await packFile(this.p, 'repositories', JSON.stringify(repos));
  }
}

/**
 * Streams a docker-archive into `out`: `fill` transfers the images into the writer, then the
 * metadata ends the tar. A failure anywhere destroys the output before it is rethrown.
 */
export function writeDockerArchive(out: Writable, signal: AbortSignal | undefined, fill: (writer: DockerArchiveWriter) => Promise<void>): Promise<void> {
  return writeTar(out, signal, async (p) => {
    const writer = new DockerArchiveWriter(p);
    await packFile(p, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await fill(writer);
    await writer.writeMetadata();
  });
}
