// index.json: parsing with errors that name the file, the atomic replacement (temp + fsync +
// rename, via writeFileAtomic), and the editor handed to updateIndex(). Fields we do not know
// (on the index and on each descriptor) are kept as read, so a layout that skopeo or umoci
// annotated survives our edits.
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { isDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../../oci/media-types.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION, hasImageName, imageNameOf, withImageName } from './image-names.js';
import { errnoCode, ioError, layoutError } from './layout-fs.js';

export interface IndexDocument {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  [field: string]: unknown;
}

export interface StoredImage {
  /** Full reference, e.g. docker.io/library/busybox:latest (see image-names.ts for foreign short names). */
  name: string;
  descriptor: Descriptor;
}

export function emptyIndex(): IndexDocument {
  return { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [] };
}

export function serializeIndex(index: IndexDocument): string {
  return JSON.stringify(index);
}

/** Parses index.json text; anything we cannot trust -> RegctlError REGCTL_LAYOUT naming the file. */
export function parseIndex(text: string, file: string): IndexDocument {
  const broken = (reason: string) =>
    layoutError(`invalid OCI image layout: ${file}: ${reason}`, `repair or remove ${file} (the blobs are kept under blobs/)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw broken('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw broken('not a JSON object');
  const doc = value as Record<string, unknown>;
  if (doc.schemaVersion !== 2) throw broken('schemaVersion must be 2');
  if (!Array.isArray(doc.manifests)) throw broken('manifests is not a list');
  doc.manifests.forEach((d: unknown, i) => {
    const entry = d as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw broken(`manifests[${i}] is not an object`);
    if (typeof entry.mediaType !== 'string') throw broken(`manifests[${i}].mediaType is missing`);
    if (!isDigest(entry.digest)) throw broken(`manifests[${i}].digest is not a valid digest`);
    if (!Number.isSafeInteger(entry.size) || (entry.size as number) < 0) throw broken(`manifests[${i}].size is not a non-negative integer`);
    const annotations = entry.annotations;
    if (annotations !== undefined && (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations))) {
      throw broken(`manifests[${i}].annotations is not an object`);
    }
  });
  return doc as IndexDocument;
}

/** The index, or undefined when index.json does not exist. */
export async function readIndex(file: string): Promise<IndexDocument | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw ioError('read', file, err);
  }
  return parseIndex(text, file);
}

export async function writeIndex(file: string, index: IndexDocument): Promise<void> {
  try {
    // 0644: the layout is meant to be read by other tools and users.
    await writeFileAtomic(file, serializeIndex(index), { mode: 0o644, dirMode: 0o755 });
  } catch (err) {
    throw ioError('write', file, err);
  }
}

/** Whether the entry has no name: an untagged image (docker's `<none>`), e.g. loaded from an archive that names nothing. */
export function isUnnamed(descriptor: Descriptor): boolean {
  return imageNameOf(descriptor) === undefined;
}

/** Entries without a name, in index order; their blobs are GC roots like any other entry's. */
export function unnamedOf(index: IndexDocument | undefined): Descriptor[] {
  return (index?.manifests ?? []).filter(isUnnamed);
}

export function imagesOf(index: IndexDocument | undefined): StoredImage[] {
  const images: StoredImage[] = [];
  for (const descriptor of index?.manifests ?? []) {
    const name = imageNameOf(descriptor);
    if (name !== undefined) images.push({ name, descriptor });
  }
  return images;
}

/** Batched edits of one index under the lock: see LayoutStore.updateIndex(). */
export class IndexEditor {
  private dirty = false;
  /** Descriptors put in this edit, for unpinning once they are indexed. */
  readonly added: Descriptor[] = [];

  constructor(readonly index: IndexDocument) {}

  get changed(): boolean {
    return this.dirty;
  }

  list(): StoredImage[] {
    return imagesOf(this.index);
  }

  /** The entry named `name` (the last one if a foreign tool left duplicates). */
  get(name: string): StoredImage | undefined {
    return this.list().filter((image) => image.name === name || hasImageName(image.descriptor, name)).at(-1);
  }

  /**
   * Replaces every entry answering to `name` with `descriptor` annotated with `name`. An unnamed
   * entry for the same digest goes: once named, the image is no longer untagged (as in docker).
   */
  put(name: string, descriptor: Descriptor): void {
    const named = withImageName(descriptor, name);
    this.index.manifests = [...this.index.manifests.filter((d) => !answersTo(d, name) && !(isUnnamed(d) && d.digest === descriptor.digest)), named];
    this.added.push(named);
    this.dirty = true;
  }

  /** Replaces the entries whose ref.name is `refName` with `descriptor` carrying only that ref.name. */
  putRefName(refName: string, descriptor: Descriptor): void {
    const entry: Descriptor = { ...descriptor, annotations: { ...(descriptor.annotations ?? {}), [REF_NAME_ANNOTATION]: refName } };
    this.index.manifests = [...this.index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] !== refName), entry];
    this.added.push(entry);
    this.dirty = true;
  }

  /**
   * Records `descriptor` as an untagged image (name annotations dropped). Nothing changes when
   * an entry, named or not, already holds that digest: its blobs are kept either way. False then.
   */
  putUnnamed(descriptor: Descriptor): boolean {
    if (this.index.manifests.some((d) => d.digest === descriptor.digest)) return false;
    const annotations = { ...(descriptor.annotations ?? {}) };
    delete annotations[REF_NAME_ANNOTATION];
    delete annotations[CONTAINERD_NAME_ANNOTATION];
    const { annotations: _old, ...bare } = descriptor;
    const entry: Descriptor = Object.keys(annotations).length > 0 ? { ...bare, annotations } : bare;
    this.index.manifests = [...this.index.manifests, entry];
    this.added.push(entry);
    this.dirty = true;
    return true;
  }

  /** Removes the unnamed entries for `digest`; false when there was none. */
  removeUnnamed(digest: string): boolean {
    const kept = this.index.manifests.filter((d) => !(isUnnamed(d) && d.digest === digest));
    if (kept.length === this.index.manifests.length) return false;
    this.index.manifests = kept;
    this.dirty = true;
    return true;
  }

  /** Removes every entry answering to `name`; false when there was none. */
  remove(name: string): boolean {
    const kept = this.index.manifests.filter((d) => !answersTo(d, name));
    if (kept.length === this.index.manifests.length) return false;
    this.index.manifests = kept;
    this.dirty = true;
    return true;
  }
}

function answersTo(descriptor: Descriptor, name: string): boolean {
  return hasImageName(descriptor, name) || imageNameOf(descriptor) === name;
}
