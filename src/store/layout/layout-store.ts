// The local image store: an OCI image layout (oci-layout, index.json, blobs/<alg>/<hex>) that
// skopeo, umoci and containerd can read, plus regctl's own bookkeeping under .regctl/.
// Every change is atomic: blobs become visible by rename after their digest is checked, and
// index.json is replaced (temp + fsync + rename) under an exclusive lock after a re-read, so
// concurrent regctl processes never lose each other's images. Module map:
//   layout-init (open/create), blob-writer (streaming writes, resume), blob-io (small blobs,
//   reads), index-file + image-names (index.json, name annotations), blob-pins + gc (GC that
//   is safe against in-flight pulls), sources-file (blob origins for mounts), validate.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { RegctlError } from '../../errors.js';
import { isDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { FILE_CONCURRENCY, mapLimit } from '../../util/concurrency.js';
import { readBlobBytes, openBlobStream, writeBlobBytes } from './blob-io.js';
import { importBlobFile } from './blob-import.js';
import { registryRoots } from './registry-roots.js';
import { PinSet } from './blob-pins.js';
import { writeBlob, type WriteBlobOptions, type WriteBlobResult } from './blob-writer.js';
import { collectGarbage, type GcOptions, type GcResult } from './gc.js';
import { assertCanonicalImageName } from './image-names.js';
import { IndexEditor, emptyIndex, imagesOf, readIndex, unnamedOf, writeIndex, type StoredImage } from './index-file.js';
import { fileSize, syncDirectory } from './layout-fs.js';
import { openLayout } from './layout-init.js';
import { LayoutPaths } from './layout-paths.js';
import { claimPartial, isClaimed } from './partial-claim.js';
import { reachableFrom } from './reachability.js';
import { recordSources, sourcesOf } from './sources-file.js';
import { withStoreLock } from './store-lock.js';
import { validateLayout, type ValidateOptions } from './validate.js';
import { checkStore, type CheckStoreOptions, type CheckStoreResult } from './store-check.js';

export type { StoredImage } from './index-file.js';
export type { IndexEditor } from './index-file.js';
export type { WriteBlobOptions, WriteBlobResult } from './blob-writer.js';
export type { GcOptions, GcResult } from './gc.js';
export type { ValidateOptions } from './validate.js';
export type { CheckStoreOptions, CheckStoreResult, StoreProblem } from './store-check.js';
export { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION, isCanonicalImageName } from './image-names.js';

export interface OpenStoreOptions {
  /** Create the layout when missing (default true). Readers pass false and see an empty store. */
  create?: boolean;
  /**
   * A user's OCI layout (`oci:DIR`), not regctl's store: nothing of regctl's own is left in
   * it. Staging goes to a hidden per-process directory inside DIR (same filesystem, so blobs
   * still arrive by rename) that close() removes; the index lock lives in the temp directory.
   */
  userDirectory?: boolean;
}

const USER_LAYOUT_HINT = 'name a new or empty directory, or an existing OCI layout';

function userDirectoryPaths(dir: string): LayoutPaths {
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  return new LayoutPaths(dir, {
    privateDir: path.join(dir, `.regctl-${process.pid}-${randomBytes(4).toString('hex')}`),
    indexLock: path.join(os.tmpdir(), 'regctl-layout-locks', `${key}.lock`),
  });
}

export class LayoutStore {
  readonly dir: string;
  private readonly paths: LayoutPaths;
  private readonly pins: PinSet;
  private ready: Promise<void> | undefined;

  private constructor(
    paths: LayoutPaths,
    exists: boolean,
    /** Opened for writing: only then does looking at a blob pin it (see blob-pins.ts). */
    private readonly writable: boolean,
    private readonly userDirectory = false,
  ) {
    this.dir = paths.dir;
    this.paths = paths;
    this.pins = new PinSet(paths.pins);
    this.ready = exists ? Promise.resolve() : undefined;
  }

  /**
   * Opens (by default creating) the store at `dir`. Broken oci-layout/index.json, or a
   * non-empty directory that is not a layout -> REGCTL_LAYOUT naming the file; a store that
   * cannot be written (with create) -> REGCTL_IO naming the directory.
   */
  static async open(dir: string, opts: OpenStoreOptions = {}): Promise<LayoutStore> {
    const create = opts.create ?? true;
    const resolved = path.resolve(dir);
    const paths = opts.userDirectory ? userDirectoryPaths(resolved) : new LayoutPaths(resolved);
    const state = opts.userDirectory ? await openLayout(paths, create, USER_LAYOUT_HINT) : await openLayout(paths, create);
    return new LayoutStore(paths, state === 'ready', create, opts.userDirectory);
  }

  /** Whether the layout exists on disk (a reader opened with create: false may see none). */
  get exists(): boolean {
    return this.ready !== undefined;
  }

  /**
   * Ends this instance: pins released and, for a user's directory, regctl's per-process
   * staging directory removed, so the directory holds only what the OCI layout defines.
   */
  async close(): Promise<void> {
    await this.releasePins();
    if (this.userDirectory) await fs.rm(this.paths.private, { recursive: true, force: true });
  }

  /** `<dir>/blobs/<alg>/<hex>` (the digest is validated). */
  blobPath(digest: string): string {
    return this.paths.blob(digest);
  }

  /**
   * The blob's size when present. On a store opened for writing this also pins the digest, so
   * a pull that skips a present blob keeps it safe from a concurrent GC until it is indexed.
   */
  async hasBlob(digest: string): Promise<number | undefined> {
    const file = this.paths.blob(digest);
    if (this.writable) await this.pins.add([digest]);
    return fileSize(file);
  }

  /**
   * hasBlob for many digests at once: one pin-file append for all of them (a 200-layer pull
   * spent ~800 serial file operations here, one append per digest), then a stat each.
   */
  async hasBlobs(digests: readonly string[]): Promise<(number | undefined)[]> {
    const files = digests.map((d) => this.paths.blob(d));
    if (this.writable) await this.pins.add(digests);
    return mapLimit(files, FILE_CONCURRENCY, (file) => fileSize(file));
  }

  /** Pins digests a pull is about to reference (hasBlob/writeBlob pin their own digest). */
  async pinBlobs(digests: readonly string[]): Promise<void> {
    digests.forEach((d) => this.paths.blob(d));
    await this.pins.add(digests);
  }

  /** Drops this instance's pins; call when a pull ends, whether it indexed anything or not. */
  releasePins(): Promise<void> {
    return this.pins.release();
  }

  /**
   * Streams `source` into the store (see blob-writer.ts): skipped when present, verified
   * against size and digest before it becomes visible, partial kept on interruption.
   */
  async writeBlob(digest: string, source: AsyncIterable<Uint8Array>, opts: WriteBlobOptions = {}): Promise<WriteBlobResult> {
    await this.ensureReady();
    await this.pins.add([digest]);
    return writeBlob(this.paths, digest, source, opts);
  }

  /**
   * Bytes of the partial download a writeBlob({resume: true, offset}) can continue: 0 when
   * there is none or another live process is writing it.
   */
  async partialLength(digest: string): Promise<number> {
    if (await isClaimed(this.paths.claim(digest))) return 0;
    return (await fileSize(this.paths.partial(digest))) ?? 0;
  }

  /** Deletes the partial; false (nothing done) when another live process is writing it. */
  async discardPartial(digest: string): Promise<boolean> {
    const claim = await claimPartial(this.paths.claim(digest));
    if (!claim) return false;
    try {
      await fs.rm(this.paths.partial(digest), { force: true });
      return true;
    } finally {
      await claim.release();
    }
  }

  /** Stores a small blob (manifest, config) after checking its digest. */
  async writeBlobBytes(digest: string, bytes: Uint8Array): Promise<{ skipped: boolean }> {
    await this.ensureReady();
    await this.pins.add([digest]);
    return writeBlobBytes(this.paths, digest, bytes);
  }

  /** The blob as a stream; REGCTL_NOT_FOUND when absent. */
  openBlob(digest: string): Readable {
    return openBlobStream(this.paths, digest);
  }

  /** Bytes `start` to `end` (exclusive) of a blob, streamed from the file (uploads and their resumes). */
  readBlobRange(digest: string, start: number, end: number): AsyncIterable<Uint8Array> {
    if (end <= start) return (async function* () {})();
    return createReadStream(this.paths.blob(digest), { start, end: end - 1, highWaterMark: 1024 * 1024 });
  }

  /** Deletes one blob file (a failed transfer taking back what it added to a user's layout). */
  async removeBlob(digest: string): Promise<void> {
    await fs.rm(this.paths.blob(digest), { force: true });
  }

  /** Every index.json entry as written, named or not, in index order. */
  async listEntries(): Promise<Descriptor[]> {
    return (await readIndex(this.paths.index))?.manifests ?? [];
  }

  /**
   * Records `descriptor` under `refName` as skopeo and umoci do in a user's layout: only the
   * `org.opencontainers.image.ref.name` annotation, any string; an entry with that ref.name is
   * replaced, the others stay. Without a name, an unnamed entry (unless the digest is there).
   */
  putRefName(refName: string | undefined, descriptor: Descriptor): Promise<void> {
    checkDescriptor(descriptor);
    return this.updateIndex((index) => (refName === undefined ? void index.putUnnamed(descriptor) : index.putRefName(refName, descriptor)));
  }

  /** The whole blob; REGCTL_NOT_FOUND when absent, REGCTL_TOO_LARGE above `limit` (16 MiB). */
  readBlobBytes(digest: string, limit?: number): Promise<Buffer> {
    return readBlobBytes(this.paths, digest, limit);
  }

  /** Named entries of index.json (anonymous ones are skipped, but still protect their blobs). */
  async listImages(): Promise<StoredImage[]> {
    return imagesOf(await readIndex(this.paths.index));
  }

  /** Unnamed entries of index.json: untagged images (docker's `<none>`), listed by their descriptor. */
  async listUnnamedImages(): Promise<Descriptor[]> {
    return unnamedOf(await readIndex(this.paths.index));
  }

  async getImage(name: string): Promise<StoredImage | undefined> {
    return new IndexEditor((await readIndex(this.paths.index)) ?? emptyIndex()).get(name);
  }

  /** Records `descriptor` as `name` (a full reference), replacing any entry of that name. */
  async putImage(name: string, descriptor: Descriptor): Promise<void> {
    assertCanonicalImageName(name);
    checkDescriptor(descriptor);
    await this.updateIndex((index) => index.put(name, descriptor));
  }

  /** Removes the entry named `name`; false when there was none. Blobs stay until gc(). */
  removeImage(name: string): Promise<boolean> {
    return this.updateIndex((index) => index.remove(name));
  }

  /**
   * Runs `fn` on the current index under the exclusive lock and writes the result atomically
   * if it changed. Blobs of images put here are unpinned once indexed.
   */
  async updateIndex<T>(fn: (index: IndexEditor) => T | Promise<T>): Promise<T> {
    await this.ensureReady();
    let added: Descriptor[] = [];
    const result = await withStoreLock(this.paths.indexLock, this.paths.index, async () => {
      const editor = new IndexEditor((await readIndex(this.paths.index)) ?? emptyIndex());
      const value = await fn(editor);
      if (editor.changed) {
        // Blob renames are made durable here, once per index change, not once per blob.
        for (const algorithm of await fs.readdir(this.paths.blobs).catch(() => [])) {
          await syncDirectory(path.join(this.paths.blobs, algorithm));
        }
        await writeIndex(this.paths.index, editor.index);
        added = editor.added;
      }
      return value;
    });
    // Best effort: the index is written; a pin that stays only delays GC until releasePins().
    if (added.length > 0) {
      await reachableFrom(this.paths, added)
        .then(({ digests }) => this.pins.remove([...digests]))
        .catch(() => undefined);
    }
    return result;
  }

  /** Deletes unreachable blobs and stale staging files (see gc.ts). */
  async gc(opts: GcOptions = {}): Promise<GcResult> {
    if (this.ready === undefined) return { removed: [], freedBytes: 0, doubts: [], stagingRemoved: 0 };
    return withStoreLock(this.paths.indexLock, this.paths.index, async () => {
      // Manifests an embedded registry serves from this directory are roots too (registry-roots.ts).
      const roots = [...((await readIndex(this.paths.index))?.manifests ?? []), ...(await registryRoots(this.paths.dir))];
      return collectGarbage(this.paths, roots, opts);
    });
  }

  // For an embedded registry serving this directory (registry-server/): its uploads are blobs
  // of this store, pinned from upload until a manifest link (a root, registry-roots.ts) reaches them.

  /** The blob's size when present, without pinning it: for readers that will not reference it. */
  blobSize(digest: string): Promise<number | undefined> {
    return fileSize(this.paths.blob(digest));
  }

  /** Pins `digest`, then verifies `file` and renames it into blobs/ (see blob-import.ts). */
  async importBlobFile(digest: string, file: string): Promise<{ skipped: boolean }> {
    await this.ensureReady();
    await this.pins.add([digest]);
    return importBlobFile(this.paths, digest, file);
  }

  /**
   * Runs `link` (which writes a GC root outside index.json) under the index lock that gc()
   * holds for its whole run, then unpins `digests`: every gc sees either the pins or the root.
   */
  async linkRoot<T>(digests: readonly string[], link: () => Promise<T>): Promise<T> {
    await this.ensureReady();
    const result = await withStoreLock(this.paths.indexLock, this.paths.index, link);
    await this.pins.remove(digests).catch(() => undefined);
    return result;
  }

  /** Remembers that `repository` (full name, e.g. 127.0.0.1:5000/team/app) has these blobs. */
  async recordSources(digests: string[], repository: string): Promise<void> {
    await this.ensureReady();
    await recordSources(this.paths, digests, repository);
  }

  /** Repositories known to hold the blob, most recent first. */
  sourcesOf(digest: string): Promise<string[]> {
    return sourcesOf(this.paths, digest);
  }

  /** Problems found in the layout (empty when valid). */
  validate(opts: ValidateOptions = {}): Promise<string[]> {
    return validateLayout(this.paths, opts);
  }

  /** `regctl store check`: every blob re-hashed, every entry walked; `repair` removes what is broken (see store-check.ts). */
  async check(opts: CheckStoreOptions = {}): Promise<CheckStoreResult> {
    if (this.ready === undefined) return { blobs: 0, entries: 0, problems: [], removedBlobs: [], removedEntries: [] };
    return checkStore(this.paths, opts);
  }

  private ensureReady(): Promise<void> {
    this.ready ??= openLayout(this.paths, true).then(
      () => undefined,
      (err: unknown) => {
        this.ready = undefined;
        throw err;
      },
    );
    return this.ready;
  }
}

function checkDescriptor(d: Descriptor): void {
  if (typeof d.mediaType !== 'string' || d.mediaType === '' || !isDigest(d.digest) || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new RegctlError('REGCTL_USAGE', `invalid descriptor for the image index: ${JSON.stringify(d)}`);
  }
}
