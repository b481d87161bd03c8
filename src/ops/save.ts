// `save`: local images as the tar `docker save` writes since Engine 25 (OCI layout +
// manifest.json + repositories, store/archive/docker-archive-writer.ts). This module only
// chooses the images: docker save's rules for which images an argument names and under which
// names; the writer checks every blob before the first byte and streams them out.
import type { Writable } from 'node:stream';
import { RegctlError } from '../errors.js';
import { parseReference, type Reference } from '../reference/parse.js';
import { dockerArchiveName, writeDockerArchive, type DockerArchiveImage } from '../store/archive/docker-archive-writer.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { findLocalImages, listLocalImages, noSuchImage, resolveLocalImage, type LocalImage } from './local-image.js';

export interface SaveOptions {
  signal?: AbortSignal;
}

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

/** Each image once, with every name it was asked for by (in argument order). */
async function plan(store: LayoutStore, inputs: readonly string[]): Promise<DockerArchiveImage[]> {
  const all = await listLocalImages(store);
  const byDigest = new Map<string, DockerArchiveImage>();
  for (const input of inputs) {
    for (const { image, named } of await pick(store, input, all)) {
      let saved = byDigest.get(image.descriptor.digest);
      if (!saved) {
        saved = { descriptor: image.descriptor, names: [] };
        byDigest.set(image.descriptor.digest, saved);
      }
      if (named && image.ref && image.name !== undefined && !saved.names.some((n) => n.full === image.name)) saved.names.push({ ...dockerArchiveName(image.ref), full: image.name });
    }
  }
  return [...byDigest.values()];
}

/** Writes the archive of `inputs` (names or image IDs) to `out`; fails before any byte when one is missing. */
export async function saveImages(store: LayoutStore, inputs: readonly string[], out: Writable, opts: SaveOptions = {}): Promise<void> {
  if (inputs.length === 0) throw new RegctlError('REGCTL_USAGE', 'save needs at least one image');
  const images = await plan(store, inputs);
  await writeDockerArchive(store, images, out, opts.signal ? { signal: opts.signal } : {});
}
