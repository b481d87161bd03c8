// The tar `docker save` writes since Engine 25, used by `save` and by the docker-archive
// destination: an OCI layout (oci-layout, index.json naming each image, blobs/sha256/...) plus
// docker's manifest.json and repositories, so that docker load, skopeo docker-archive: and
// oci-archive: all read it. Blobs go out once however many images share them, streamed from
// the layout and checked against their digest on the way (tar-pack.ts). Every blob is looked
// for before the first byte is written, so a missing one fails with nothing written.
import type { Writable } from 'node:stream';
import { parseDigest } from '../../oci/digest.js';
import type { Annotations, Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../../oci/media-types.js';
import type { Reference } from '../../reference/parse.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION, type LayoutStore } from '../layout/layout-store.js';
import { assertBlobsPresent, collectImageBlobs, type ImageView } from './image-blobs.js';
import { blobEntryName, packBlob, packFile, writeTar } from './tar-pack.js';

/** One name of an image: index.json takes the full name, manifest.json the familiar NAME:TAG. */
export interface DockerArchiveName {
  full: string;
  familiar: string;
  repo: string;
  tag: string;
}

export interface DockerArchiveImage {
  descriptor: Descriptor;
  /** Empty: untagged (RepoTags null), as docker save writes an image asked for by ID. */
  names: DockerArchiveName[];
}

export interface DockerArchiveOptions {
  signal?: AbortSignal;
  /** The layout the blobs come from, for messages (default: the local store). */
  where?: string;
  /** What to suggest when a blob is missing (default: pull the image again). */
  hint?: string;
}

export function dockerArchiveName(ref: Reference): DockerArchiveName {
  return { full: ref.toString(), familiar: ref.familiar(), repo: ref.familiarName(), tag: ref.tag ?? 'latest' };
}

/** The layout's annotations minus regctl's own and the old names; the archive's names added. */
function archiveDescriptor(d: Descriptor, name?: DockerArchiveName): Descriptor {
  const kept = Object.entries(d.annotations ?? {}).filter(([k]) => !k.startsWith('dev.regctl.') && k !== REF_NAME_ANNOTATION && k !== CONTAINERD_NAME_ANNOTATION);
  const annotations: Record<string, string> = Object.fromEntries(kept);
  if (name) Object.assign(annotations, { [CONTAINERD_NAME_ANNOTATION]: name.full, [REF_NAME_ANNOTATION]: name.tag });
  const { annotations: _old, ...rest } = d;
  return Object.keys(annotations).length > 0 ? { ...rest, annotations: annotations as Annotations } : rest;
}

/** docker >= 25 maps each tag to its top layer's blob, as it names it in manifest.json. */
function repositories(images: readonly (DockerArchiveImage & ImageView)[]): Record<string, Record<string, string>> {
  const repos: Record<string, Record<string, string>> = {};
  for (const i of images) {
    const top = i.layers.at(-1);
    if (!top) continue;
    for (const n of i.names) (repos[n.repo] ??= {})[n.tag] = parseDigest(top.digest).hex;
  }
  return repos;
}

/** Writes `images` (each once; their names merged by the caller) of `store` to `out` as docker save does. */
export async function writeDockerArchive(store: LayoutStore, images: readonly DockerArchiveImage[], out: Writable, opts: DockerArchiveOptions = {}): Promise<void> {
  const where = opts.where ?? 'the local store';
  const hint = opts.hint ?? 'pull the image again';
  const blobs = new Map<string, Descriptor>();
  const viewed: (DockerArchiveImage & ImageView)[] = [];
  for (const image of images) {
    const view = await collectImageBlobs(store, image.descriptor, blobs, { where, hint: opts.hint ?? 'pull the image again (with --all-platforms for every platform)' });
    viewed.push({ ...image, ...view });
  }
  await assertBlobsPresent(store, blobs.values(), where, hint);

  await writeTar(out, opts.signal, async (p) => {
    await packFile(p, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    for (const d of blobs.values()) await packBlob(p, store, d, where);
    const index = {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: viewed.flatMap((i) => (i.names.length > 0 ? i.names.map((n) => archiveDescriptor(i.descriptor, n)) : [archiveDescriptor(i.descriptor)])),
    };
    await packFile(p, 'index.json', JSON.stringify(index));
    const manifest = viewed.map((i) => ({
      Config: blobEntryName(i.config.digest),
      RepoTags: i.names.length > 0 ? i.names.map((n) => n.familiar) : null,
      Layers: i.layers.map((l) => blobEntryName(l.digest)),
    }));
    await packFile(p, 'manifest.json', JSON.stringify(manifest));
    const repos = repositories(viewed);
    if (Object.keys(repos).length > 0) await packFile(p, 'repositories', JSON.stringify(repos));
  });
}
