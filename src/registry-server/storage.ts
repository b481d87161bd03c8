// The embedded registry's filesystem: a regctl store (store/layout/) holding the content, plus
// per-repository links.
//
//   DIR/oci-layout, DIR/index.json, DIR/blobs/sha256/<hex>   blobs and manifests: the store's, read
//                                                    and written only through LayoutStore
//   DIR/registry/repositories/<repo>/_tags/<tag>     {"digest","mediaType","size"} of the tagged manifest
//   DIR/registry/repositories/<repo>/_manifests/<alg>/<hex>   {"digest","mediaType","size"[,"subject"]}: the repo holds it
//   DIR/registry/repositories/<repo>/_layers/<alg>/<hex>      empty: the repo holds the blob
//   DIR/registry/repositories/<repo>/_referrers/<alg>/<hex>/<alg>/<hex>   descriptor of a manifest
//                                                    whose subject is the first digest (referrer-links.ts)
//   DIR/registry/uploads/<uuid>                      upload sessions in progress
//
// Images a regctl store lists in DIR/index.json under full names (`docker.io/library/busybox:latest`)
// are served read-only as repository `docker.io/library/busybox`, tag `latest`.
// A `regctl rmi`/gc on the same directory keeps what is served: manifest links are GC roots
// (registry-roots.ts), written under the store's index lock, and every blob an upload, mount or
// manifest brings in is pinned by this process until a manifest link reaches it.
// Every write is atomic: temp file in the same directory, fsync, rename.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseDigest } from '../oci/digest.js';
import type { Descriptor } from '../oci/manifest.js';
import { LayoutStore } from '../store/layout/layout-store.js';
import { MAX_MANIFEST_BYTES } from '../store/layout/reachability.js';
import { MANIFEST_LINKS_DIR, REGISTRY_REPOSITORIES_DIR, TAG_LINKS_DIR } from '../store/layout/registry-roots.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { errnoCode } from '../util/fs-errors.js';
import type { Referrer } from '../oci/referrers.js';
import { readReferrerLinks, removeReferrerLink, writeReferrerLink } from './referrer-links.js';
import { readStoreImages, type ManifestLink, type StoreImage } from './store-images.js';
import { tagSchemaReferrers } from './tag-schema-referrers.js';

export type { ManifestLink };

/** A manifest link as stored: the subject is kept so a delete can find the referrer link to drop. */
type StoredManifestLink = ManifestLink & { subject?: string };

export function isNotFound(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class RegistryStorage {
  private readonly reposDir: string;
  readonly uploadsDir: string;
  /** Upload sessions with a request body still arriving. */
  readonly busyUploads = new Set<string>();
  private opened: LayoutStore | undefined;

  constructor(readonly dir: string) {
    this.reposDir = path.join(dir, REGISTRY_REPOSITORIES_DIR);
    this.uploadsDir = path.join(dir, 'registry', 'uploads');
  }

  /** Opens (creating) the store first: a new directory must become a layout before anything else lands in it. */
  async init(): Promise<void> {
    this.opened = await LayoutStore.open(this.dir);
    await fs.mkdir(this.reposDir, { recursive: true });
    await fs.mkdir(this.uploadsDir, { recursive: true });
  }

  /** Drops this process's pins: uploads no manifest reached become collectable. */
  async close(): Promise<void> {
    await this.opened?.releasePins();
  }

  private get store(): LayoutStore {
    if (!this.opened) throw new Error('registry storage used before init()');
    return this.opened;
  }

  /** The blob's size when present (any repository; see repoBlobSize). */
  blobSize(digest: string): Promise<number | undefined> {
    return this.store.blobSize(digest);
  }

  /** Bytes `start` to `end` (exclusive) of a blob. */
  readBlobRange(digest: string, start: number, end: number): AsyncIterable<Uint8Array> {
    return this.store.readBlobRange(digest, start, end);
  }

  readManifestBytes(digest: string): Promise<Buffer> {
    return this.store.readBlobBytes(digest, MAX_MANIFEST_BYTES);
  }

  /** Pins blobs a manifest or mount is about to reference, before their presence is checked. */
  pinBlobs(digests: readonly string[]): Promise<void> {
    return this.store.pinBlobs(digests);
  }

  /** Stores manifest bytes (digest checked, pinned until linkManifest). */
  async putManifestBytes(digest: string, bytes: Uint8Array): Promise<void> {
    await this.store.writeBlobBytes(digest, bytes);
  }

  /** Verifies the finished upload session and moves it into the store (pinned); the session is gone after. */
  async importUpload(id: string, digest: string): Promise<void> {
    await this.store.importBlobFile(digest, this.uploadPath(id));
  }

  private repoDir(repo: string): string {
    return path.join(this.reposDir, ...repo.split('/'));
  }

  private manifestLinkPath(repo: string, digest: string): string {
    const d = parseDigest(digest);
    return path.join(this.repoDir(repo), MANIFEST_LINKS_DIR, d.algorithm, d.hex);
  }

  private layerLinkPath(repo: string, digest: string): string {
    const d = parseDigest(digest);
    return path.join(this.repoDir(repo), '_layers', d.algorithm, d.hex);
  }

  /** Records that `repo` holds the blob (uploaded, mounted or referenced by its manifests). */
  async linkBlob(repo: string, digest: string): Promise<void> {
    const file = this.layerLinkPath(repo, digest);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await fs.writeFile(file, '', { mode: 0o644 });
  }

  /**
   * The blob's size when `repo` may serve it: linked to the repository (as distribution does,
   * so a push into a new repository mounts instead of finding everything present), or any
   * blob for a repository served from the store's index.json.
   */
  async repoBlobSize(repo: string, digest: string): Promise<number | undefined> {
    const size = await this.blobSize(digest);
    if (size === undefined) return undefined;
    if (await this.exists(this.layerLinkPath(repo, digest))) return size;
    if (await this.exists(this.manifestLinkPath(repo, digest))) return size;
    return (await this.storeImages()).some((i) => i.repo === repo) ? size : undefined;
  }

  async unlinkBlob(repo: string, digest: string): Promise<boolean> {
    try {
      await fs.unlink(this.layerLinkPath(repo, digest));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private tagPath(repo: string, tag: string): string {
    return path.join(this.repoDir(repo), TAG_LINKS_DIR, tag);
  }

  private async readJson<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as T;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Links the manifest (and tag, and its entry in its subject's referrers) into `repo`. The
   * manifest link is a GC root, so the manifest and the blobs it references (`referenced`) are
   * unpinned once it is written. The referrer link comes after the manifest link, so a crash
   * between them leaves a manifest a re-push relists, never a listed referrer that is not there.
   */
  async linkManifest(repo: string, link: ManifestLink, tag: string | undefined, referenced: readonly string[], referrer?: Referrer): Promise<void> {
    const stored: StoredManifestLink = referrer ? { ...link, subject: referrer.subject } : link;
    const body = JSON.stringify(stored);
    await this.store.linkRoot([link.digest, ...referenced], async () => {
      await writeFileAtomic(this.manifestLinkPath(repo, link.digest), body, { mode: 0o644, dirMode: 0o755 });
      if (tag !== undefined) await writeFileAtomic(this.tagPath(repo, tag), body, { mode: 0o644, dirMode: 0o755 });
      if (referrer) await writeReferrerLink(this.repoDir(repo), referrer);
    });
  }

  /** The manifest a tag or digest names in a repository (registry links first, then the store's index.json). */
  async resolveManifest(repo: string, reference: string): Promise<ManifestLink | undefined> {
    if (reference.includes(':')) {
      const own = await this.readJson<Omit<ManifestLink, 'digest'>>(this.manifestLinkPath(repo, reference));
      if (own) return { ...own, digest: reference };
      return (await this.storeImages()).find((i) => i.repo === repo && i.link.digest === reference)?.link;
    }
    const tagged = await this.readJson<ManifestLink>(this.tagPath(repo, reference));
    if (tagged) return tagged;
    return (await this.storeImages()).find((i) => i.repo === repo && i.tag === reference)?.link;
  }

  /**
   * Unlinks the manifest, every tag on it and its referrer entry, under the index lock like the
   * writes, so a concurrent re-push of the same manifest is never left half unlinked.
   */
  async deleteManifest(repo: string, digest: string): Promise<boolean> {
    // No digests to unpin: the lock is all that is wanted here.
    return this.store.linkRoot([], async () => {
      const file = this.manifestLinkPath(repo, digest);
      const link = await this.readJson<StoredManifestLink>(file);
      let found = false;
      try {
        await fs.unlink(file);
        found = true;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      for (const tag of await this.ownTags(repo)) {
        const tagged = await this.readJson<ManifestLink>(this.tagPath(repo, tag));
        if (tagged?.digest === digest) await fs.rm(this.tagPath(repo, tag), { force: true });
      }
      if (typeof link?.subject === 'string') await removeReferrerLink(this.repoDir(repo), link.subject, digest);
      return found;
    });
  }

  /**
   * Descriptors of the manifests in `repo` whose subject is `subject`, sorted by digest: the
   * referrer links whose manifest is still linked, plus those an older client listed in the
   * referrers tag schema (`sha256-<hex>`), as the spec's "Enabling the Referrers API" requires.
   */
  async referrers(repo: string, subject: string): Promise<Descriptor[]> {
    const linked = await readReferrerLinks(this.repoDir(repo), subject);
    // One readdir per algorithm rather than a stat per referrer: a subject may have thousands.
    const live = new Set<string>();
    for (const algorithm of new Set(linked.map((d) => parseDigest(d.digest).algorithm))) {
      const dir = path.join(this.repoDir(repo), MANIFEST_LINKS_DIR, algorithm);
      for (const hex of await fs.readdir(dir).catch(() => [] as string[])) live.add(`${algorithm}:${hex}`);
    }
    const byDigest = new Map(linked.filter((d) => live.has(d.digest)).map((d) => [d.digest, d]));
    for (const d of await tagSchemaReferrers(this, repo, subject, new Set(byDigest.keys()))) byDigest.set(d.digest, d);
    return [...byDigest.values()].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  }

  /** True when `repo` has its own link to the manifest (not via the store's index.json). */
  hasManifestLink(repo: string, digest: string): Promise<boolean> {
    return this.exists(this.manifestLinkPath(repo, digest));
  }

  async deleteTag(repo: string, tag: string): Promise<boolean> {
    try {
      await fs.unlink(this.tagPath(repo, tag));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async ownTags(repo: string): Promise<string[]> {
    try {
      return (await fs.readdir(path.join(this.repoDir(repo), TAG_LINKS_DIR))).filter((t) => !t.includes('.tmp'));
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  /** Tags of a repository, sorted; undefined when the repository is unknown. */
  async tags(repo: string): Promise<string[] | undefined> {
    const own = await this.ownTags(repo);
    const fromStore = (await this.storeImages()).filter((i) => i.repo === repo).map((i) => i.tag);
    const known = own.length > 0 || fromStore.length > 0 || (await this.exists(path.join(this.repoDir(repo), MANIFEST_LINKS_DIR)));
    if (!known) return undefined;
    return [...new Set([...own, ...fromStore])].sort();
  }

  private async exists(p: string): Promise<boolean> {
    return fs.stat(p).then(
      () => true,
      () => false,
    );
  }

  /** Every repository name, sorted. */
  async repositories(): Promise<string[]> {
    const found = new Set<string>((await this.storeImages()).map((i) => i.repo));
    const walk = async (dir: string, prefix: string[]): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (entries.some((e) => e.name === MANIFEST_LINKS_DIR)) found.add(prefix.join('/'));
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith('_')) await walk(path.join(dir, e.name), [...prefix, e.name]);
    };
    await walk(this.reposDir, []);
    return [...found].sort();
  }

  private storeImages(): Promise<StoreImage[]> {
    return readStoreImages(this.store);
  }

  newUploadId(): string {
    return randomBytes(16).toString('hex');
  }

  uploadPath(id: string): string {
    if (!/^[a-f0-9]{32}$/.test(id)) throw Object.assign(new Error('bad upload id'), { code: 'ENOENT' });
    return path.join(this.uploadsDir, id);
  }
}
