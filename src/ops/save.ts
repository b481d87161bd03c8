// `save`: local images as the tar `docker save` writes since Engine 25: an OCI layout
// (oci-layout, index.json naming each image, blobs/sha256/...) plus docker's manifest.json
// and repositories, so that docker load, skopeo docker-archive: and oci-archive: all read it.
// Blobs go out once however many images share them, streamed from the store with tar-stream's
// pack (never whole in memory) and checked against their digest on the way.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';
import { DigestMismatchError, RegctlError } from '../errors.js';
import { createDigester, parseDigest } from '../oci/digest.js';
import { parseManifest, type Annotations, type Descriptor } from '../oci/manifest.js';
import { hostPlatform, selectManifest } from '../oci/platform.js';
import { parseReference, type Reference } from '../reference/parse.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION, type LayoutStore } from '../store/layout/layout-store.js';
import { findLocalImages, listLocalImages, noSuchImage, resolveLocalImage, type LocalImage } from './local-image.js';

const MANIFEST_LIMIT = 4 * 1024 * 1024;
/** Fixed entry times: saving the same images twice gives the same bytes. */
const MTIME = new Date(0);

export interface SaveOptions {
  signal?: AbortSignal;
}

interface SavedImage {
  descriptor: Descriptor;
  /** Full names (index.json) and their familiar NAME:TAG forms (manifest.json RepoTags). */
  names: { full: string; familiar: string; repo: string; tag: string }[];
  config: Descriptor;
  layers: Descriptor[];
}

const blobPath = (digest: string) => `blobs/${parseDigest(digest).algorithm}/${parseDigest(digest).hex}`;

/**
 * The images an argument names, with whether each was asked for by a tag: a repository
 * without a tag means every local tag of it (docker save's rule); else one image by name,
 * or by ID (no tag then).
 */
async function pick(store: LayoutStore, input: string, all: LocalImage[]): Promise<{ image: LocalImage; named: boolean }[]> {
  let ref: Reference | undefined;
  try {
    ref = parseReference(input);
  } catch {
    ref = undefined;
  }
  if (ref?.tagDefaulted && !ref.digest) {
    const tagged = all.filter((i) => i.ref && i.ref.name() === ref.name() && i.ref.tag !== undefined && i.ref.digest === undefined);
    if (tagged.length > 0) return tagged.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')).map((image) => ({ image, named: true }));
  }
  const { byName } = await findLocalImages(store, input, all);
  if (byName) return [{ image: byName, named: byName.ref?.tag !== undefined && byName.ref.digest === undefined }];
  try {
    return [{ image: await resolveLocalImage(store, input, all), named: false }];
  } catch (err) {
    if ((err as RegctlError).code === 'REGCTL_USAGE') throw err; // an ambiguous ID prefix
    throw noSuchImage(input);
  }
}

/** Every blob `d` reaches (manifests, configs, layers) in the order written, and the manifest.json view. */
async function collect(store: LayoutStore, d: Descriptor, blobs: Map<string, Descriptor>): Promise<{ config: Descriptor; layers: Descriptor[] }> {
  const parsed = parseManifest(await store.readBlobBytes(d.digest, MANIFEST_LIMIT).catch((err: unknown) => {
    throw new RegctlError('REGCTL_NOT_FOUND', `manifest ${d.digest} is not in the local store`, { cause: err, hint: 'pull the image again (with --all-platforms for every platform)' });
  }), d.mediaType);
  blobs.set(d.digest, d);
  if (parsed.kind === 'index') {
    const views = [];
    for (const child of parsed.index.manifests) views.push(await collect(store, child, blobs));
    const preferred = selectManifest(parsed.index, hostPlatform());
    const at = preferred ? parsed.index.manifests.indexOf(preferred) : 0;
    const view = views[at] ?? views[0];
    if (!view) throw new RegctlError('REGCTL_INVALID_MANIFEST', `index ${d.digest} lists no manifests`);
    return view;
  }
  const { config, layers } = parsed.manifest;
  for (const blob of [config, ...layers]) blobs.set(blob.digest, blob);
  return { config, layers: [...layers] };
}

/** The store's annotations minus regctl's own and the old names; the archive's names added. */
function archiveDescriptor(d: Descriptor, name?: { full: string; tag: string }): Descriptor {
  const kept = Object.entries(d.annotations ?? {}).filter(([k]) => !k.startsWith('dev.regctl.') && k !== REF_NAME_ANNOTATION && k !== CONTAINERD_NAME_ANNOTATION);
  const annotations: Record<string, string> = Object.fromEntries(kept);
  if (name) Object.assign(annotations, { [CONTAINERD_NAME_ANNOTATION]: name.full, [REF_NAME_ANNOTATION]: name.tag });
  const { annotations: _old, ...rest } = d;
  return Object.keys(annotations).length > 0 ? { ...rest, annotations: annotations as Annotations } : rest;
}

function addEntry(p: Pack, name: string, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    p.entry({ name, mtime: MTIME, mode: 0o644 }, typeof data === 'string' ? Buffer.from(data) : data, (err) => (err ? reject(err) : resolve()));
  });
}

/** The blob's bytes from the store, failing before its last byte when they are not what the digest says. */
async function* verified(store: LayoutStore, d: Descriptor): AsyncGenerator<Uint8Array> {
  const digester = createDigester(parseDigest(d.digest).algorithm);
  let size = 0;
  for await (const chunk of store.openBlob(d.digest)) {
    digester.update(chunk as Uint8Array);
    size += (chunk as Uint8Array).byteLength;
    if (size === d.size && digester.digest() !== d.digest) throw new DigestMismatchError(d.digest, digester.digest(), `local blob ${d.digest}`);
    yield chunk as Uint8Array;
  }
  if (size !== d.size) throw new RegctlError('REGCTL_LAYOUT', `blob ${d.digest} in the local store is ${size} bytes, its descriptor says ${d.size}`);
}

async function addBlob(p: Pack, store: LayoutStore, d: Descriptor): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const entry = p.entry({ name: blobPath(d.digest), size: d.size, mtime: MTIME, mode: 0o444 }, (err) => (err ? reject(err) : resolve()));
    pipeline(Readable.from(verified(store, d)), entry).catch(reject);
  });
}

/** Plans the archive: throws (nothing written) when an image or one of its blobs is missing. */
async function plan(store: LayoutStore, inputs: readonly string[]): Promise<{ images: SavedImage[]; blobs: Map<string, Descriptor> }> {
  const all = await listLocalImages(store);
  const byDigest = new Map<string, SavedImage>();
  const blobs = new Map<string, Descriptor>();
  for (const input of inputs) {
    for (const { image, named } of await pick(store, input, all)) {
      let saved = byDigest.get(image.descriptor.digest);
      if (!saved) {
        const view = await collect(store, image.descriptor, blobs);
        saved = { descriptor: image.descriptor, names: [], ...view };
        byDigest.set(image.descriptor.digest, saved);
      }
      if (named && image.ref && image.name !== undefined && !saved.names.some((n) => n.full === image.name)) {
        saved.names.push({ full: image.name, familiar: image.ref.familiar(), repo: image.ref.familiarName(), tag: image.ref.tag ?? 'latest' });
      }
    }
  }
  for (const d of blobs.values()) {
    const size = await store.hasBlob(d.digest);
    if (size === undefined) throw new RegctlError('REGCTL_NOT_FOUND', `blob ${d.digest} is not in the local store`, { hint: 'pull the image again' });
  }
  return { images: [...byDigest.values()], blobs };
}

/** Writes the archive of `inputs` (names or image IDs) to `out`; fails before any byte when one is missing. */
export async function saveImages(store: LayoutStore, inputs: readonly string[], out: Writable, opts: SaveOptions = {}): Promise<void> {
  if (inputs.length === 0) throw new RegctlError('REGCTL_USAGE', 'save needs at least one image');
  const { images, blobs } = await plan(store, inputs);
  const p = pack();
  const written = pipeline(p, out, ...(opts.signal ? [{ signal: opts.signal }] : []));
  try {
    await addEntry(p, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    for (const d of blobs.values()) await addBlob(p, store, d);
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: images.flatMap((i) => (i.names.length > 0 ? i.names.map((n) => archiveDescriptor(i.descriptor, n)) : [archiveDescriptor(i.descriptor)])),
    };
    await addEntry(p, 'index.json', JSON.stringify(index));
    const manifest = images.map((i) => ({
      Config: blobPath(i.config.digest),
      RepoTags: i.names.length > 0 ? i.names.map((n) => n.familiar) : null,
      Layers: i.layers.map((l) => blobPath(l.digest)),
    }));
    await addEntry(p, 'manifest.json', JSON.stringify(manifest));
    // docker >= 25 maps each tag to its top layer's blob, as it names it in manifest.json.
    const repositories: Record<string, Record<string, string>> = {};
    for (const i of images) {
      const top = i.layers.at(-1);
      if (!top) continue;
      for (const n of i.names) (repositories[n.repo] ??= {})[n.tag] = parseDigest(top.digest).hex;
    }
    if (Object.keys(repositories).length > 0) await addEntry(p, 'repositories', JSON.stringify(repositories));
    p.finalize();
  } catch (err) {
    p.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
}
