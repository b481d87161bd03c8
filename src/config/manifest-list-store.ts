// docker's local manifest list store (docker/cli cli/manifest/store/store.go), shared with the
// docker CLI: `<config dir>/manifests/<list>/<entry>`, one directory per list and one JSON file
// per entry (manifest-list-entry.ts), names made file-safe as docker 28 makes them (':' -> '-',
// '/' -> '_', of the full reference). A list's entries are its files in name order, which is
// how docker reads them and so the order of the pushed list. Files are written atomically
// (docker writes them in place); a list is removed by renaming it out of the way first.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ManifestListError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { errnoCode } from '../util/fs-errors.js';
import { decodeStoredManifest, encodeStoredManifest, type StoredManifest } from './manifest-list-entry.js';

/** The store's directory under a docker config dir. */
export const MANIFESTS_DIR_NAME = 'manifests';

/** docker's makeFilesafeName (docker 28; docker/cli's main branch has since moved to '%' and '#'). */
export function filesafeName(ref: string): string {
  return ref.replaceAll(':', '-').replaceAll('/', '_');
}

/** Anything that names a list or an entry: its full form (`toString()` of a Reference) is what docker escapes. */
export type RefName = { toString(): string };

function notFound(ref: RefName): ManifestListError {
  // docker's store error, capital N (the registry client's is "no such manifest").
  return new ManifestListError('REGCTL_NOT_FOUND', 'list-not-found', `No such manifest: ${ref.toString()}`);
}

export class ManifestListStore {
  constructor(readonly root: string) {}

  /** `<configDir>/manifests`. */
  static forConfigDir(configDir: string): ManifestListStore {
    return new ManifestListStore(path.join(configDir, MANIFESTS_DIR_NAME));
  }

  listDir(list: RefName): string {
    return path.join(this.root, filesafeName(list.toString()));
  }

  entryFile(list: RefName, entry: RefName): string {
    return path.join(this.listDir(list), filesafeName(entry.toString()));
  }

  /** The entries of a list in docker's order; `No such manifest: LIST` when there is no such list. */
  async getList(list: RefName): Promise<StoredManifest[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.listDir(list));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw notFound(list);
      throw err;
    }
    // Dot files are never docker's (a reference cannot start with '.'): an atomic write's temp file.
    const files = names.filter((n) => !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Promise.all(files.map((n) => this.#read(path.join(this.listDir(list), n), list)));
  }

  /** One entry; `No such manifest: ENTRY` when the list does not hold it. */
  async get(list: RefName, entry: RefName): Promise<StoredManifest> {
    return this.#read(this.entryFile(list, entry), entry);
  }

  async #read(file: string, missing: RefName): Promise<StoredManifest> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw notFound(missing);
      throw err;
    }
    return decodeStoredManifest(text, file);
  }

  /** Writes (or replaces) one entry of a list, creating the list. Modes as docker's: 0755 dirs, 0644 files. */
  async save(list: RefName, entry: RefName, manifest: StoredManifest): Promise<void> {
    await writeFileAtomic(this.entryFile(list, entry), encodeStoredManifest(manifest), { mode: 0o644, dirMode: 0o755 });
  }

  /** Removes a list and its entries; nothing happens when there is no such list (docker's RemoveAll). */
  async remove(list: RefName): Promise<void> {
    const dir = this.listDir(list);
    // Renamed first, so no reader ever sees half a list. docker's List() skips the dot name.
    const doomed = path.join(this.root, `.${path.basename(dir)}.removing-${randomBytes(6).toString('hex')}`);
    try {
      await fs.rename(dir, doomed);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    await fs.rm(doomed, { recursive: true, force: true });
  }
}
