// `save`: local images as the tar `docker save` writes since Engine 25 (OCI layout +
// manifest.json + repositories, store/archive/docker-archive-writer.ts). This module chooses the
// images (docker save's rules for which images an argument names and under which names), plans
// each one's transfer out of the store, checks that every planned blob is there before the first
// byte, then moves them one after the other into the one tar on the transfer engine: blobs go
// straight from the store into the tar, hashed on the way, with no copy anywhere before it.
import type { Writable } from 'node:stream';
import { RegctlError } from '../errors.js';
import { parseReference, type Reference } from '../reference/parse.js';
import { dockerArchiveName, writeDockerArchive, type DockerArchiveImage } from '../store/archive/docker-archive-writer.js';
import { prepareArchiveTarget } from '../store/archive/archive-target.js';
import { assertBlobsPresent } from '../store/archive/image-blobs.js';
import type { ImageSource } from '../store/backend.js';
import { layoutSource } from '../store/layout/image-source.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { planArchiveTransfer, transferIntoArchive } from './archive-transfer.js';
import { findLocalImages, listLocalImages, noSuchImage, resolveLocalImage, type LocalImage } from './local-image.js';
import type { TransferPlan } from './transfer.js';

const WHERE = 'the local store';
const BLOB_HINT = 'pull the image again';
const MANIFEST_HINT = 'pull the image again (with --all-platforms for every platform)';

/** An image to save with the names it is saved under (its store descriptor goes into index.json). */
type SavedImage = Required<DockerArchiveImage>;

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
async function pickAll(store: LayoutStore, inputs: readonly string[]): Promise<SavedImage[]> {
  const all = await listLocalImages(store);
  const byDigest = new Map<string, SavedImage>();
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

/** The image in the store; a manifest missing from it is named as docker save names it, with what to do. */
function storeSource(store: LayoutStore, image: SavedImage): ImageSource {
  const source = layoutSource(store, image.descriptor, image.names[0]?.familiar ?? image.descriptor.digest);
  return {
    ...source,
    manifest: (digest) =>
      source.manifest(digest).catch((err: unknown) => {
        if ((err as RegctlError).code !== 'REGCTL_NOT_FOUND') throw err;
        throw new RegctlError('REGCTL_NOT_FOUND', `manifest ${digest ?? image.descriptor.digest} is not in ${WHERE}`, { cause: err, hint: MANIFEST_HINT });
      }),
  };
}

interface PlannedSave {
  image: SavedImage;
  source: ImageSource;
  plan: TransferPlan;
}

/** Chooses and plans every image and checks every planned blob: nothing is written before this passes. */
async function planSave(store: LayoutStore, inputs: readonly string[]): Promise<PlannedSave[]> {
  if (inputs.length === 0) throw new RegctlError('REGCTL_USAGE', 'save needs at least one image');
  const planned: PlannedSave[] = [];
  for (const image of await pickAll(store, inputs)) {
    const source = storeSource(store, image);
    planned.push({ image, source, plan: await planArchiveTransfer(source) });
  }
  await assertBlobsPresent(store, planned.flatMap((p) => p.plan.blobs), WHERE, BLOB_HINT);
  return planned;
}

function writeSave(planned: readonly PlannedSave[], out: Writable, opts: SaveOptions): Promise<void> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  return writeDockerArchive(out, opts.signal, async (writer) => {
    for (const { image, source, plan } of planned) await transferIntoArchive(source, writer.image(image, source.name), { plan, ...signal });
  });
}

/** Writes the archive of `inputs` (names or image IDs) to `out`; fails before any byte when one is missing. */
export async function saveImages(store: LayoutStore, inputs: readonly string[], out: Writable, opts: SaveOptions = {}): Promise<void> {
  await writeSave(await planSave(store, inputs), out, opts);
}

/**
 * `save -o FILE`: the same archive, visible at FILE only once complete (store/archive/archive-target.ts,
 * the writer copy's archive destinations use). FILE is replaced, as docker save -o replaces it; its
 * directory must exist. A failure leaves FILE as it was and no temp file behind.
 */
export async function saveImagesToFile(store: LayoutStore, inputs: readonly string[], file: string, opts: SaveOptions = {}): Promise<void> {
  const target = await prepareArchiveTarget(file, { failure: 'failed to save image' });
  const planned = await planSave(store, inputs);
  try {
    await target.write((out) => writeSave(planned, out, opts));
  } finally {
    await target.discard();
  }
}
