// A private OCI layout in the temp directory: where an archive is unpacked before it is read,
// and where a destination archive is assembled before it is written. A regular LayoutStore (its
// blobs verified on the way in, like the store's), removed whole by remove().
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LayoutStore } from '../layout/layout-store.js';
import { ioError } from '../layout/layout-fs.js';

export interface TempLayout {
  store: LayoutStore;
  dir: string;
  /** Releases the store and deletes the directory; safe to call twice. */
  remove(): Promise<void>;
}

/** A new empty directory `<tmpDir>/regctl-<purpose>-XXXXXX`. */
export async function makeTempDir(purpose: string, tmpDir?: string): Promise<string> {
  const base = tmpDir ?? os.tmpdir();
  try {
    return await fs.mkdtemp(path.join(base, `regctl-${purpose}-`));
  } catch (err) {
    throw ioError('create a temporary directory in', base, err);
  }
}

export async function openTempLayout(purpose: string, tmpDir?: string): Promise<TempLayout> {
  const dir = await makeTempDir(purpose, tmpDir);
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await store?.close().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  };
  let store: LayoutStore | undefined;
  try {
    store = await LayoutStore.open(path.join(dir, 'layout'));
  } catch (err) {
    await remove();
    throw err;
  }
  return { store, dir, remove };
}
