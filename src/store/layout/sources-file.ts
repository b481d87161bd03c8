// Where each blob came from (`.regctl/sources.json`), so a push can ask the target registry to
// mount a blob from a repository that already has it instead of uploading it again.
// It is a cache: a missing or corrupt file means "no known sources" (and is rewritten on the
// next record), never an error that stops a pull or push.
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { RegctlError } from '../../errors.js';
import { parseDigest } from '../../oci/digest.js';
import { errnoCode, ioError } from './layout-fs.js';
import type { LayoutPaths } from './layout-paths.js';
import { withStoreLock } from './store-lock.js';

/** Most recent first; older sources beyond this are forgotten. */
export const MAX_SOURCES_PER_BLOB = 8;

interface SourcesDocument {
  version: 1;
  /** digest -> full repository names, e.g. `127.0.0.1:5000/team/app`. */
  blobs: Record<string, string[]>;
}

async function readSources(file: string): Promise<SourcesDocument> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { version: 1, blobs: {} };
    throw ioError('read', file, err);
  }
  try {
    const value = JSON.parse(text) as Partial<SourcesDocument> | null;
    const blobs: Record<string, string[]> = {};
    for (const [digest, repos] of Object.entries(value?.blobs ?? {})) {
      if (Array.isArray(repos)) blobs[digest] = repos.filter((r): r is string => typeof r === 'string');
    }
    return { version: 1, blobs };
  } catch {
    return { version: 1, blobs: {} }; // corrupt: start over (see the header comment)
  }
}

async function updateSources(paths: LayoutPaths, edit: (doc: SourcesDocument) => boolean): Promise<void> {
  await withStoreLock(paths.sourcesLock, paths.sources, async () => {
    const doc = await readSources(paths.sources);
    if (!edit(doc)) return;
    try {
      await writeFileAtomic(paths.sources, JSON.stringify(doc), { mode: 0o644, dirMode: 0o755 });
    } catch (err) {
      throw ioError('write', paths.sources, err);
    }
  });
}

export async function recordSources(paths: LayoutPaths, digests: readonly string[], repository: string): Promise<void> {
  if (repository === '' || /\s/.test(repository)) {
    throw new RegctlError('REGCTL_USAGE', `invalid source repository "${repository}"`);
  }
  digests.forEach((d) => parseDigest(d));
  if (digests.length === 0) return;
  await updateSources(paths, (doc) => {
    for (const digest of digests) {
      const previous = doc.blobs[digest] ?? [];
      doc.blobs[digest] = [repository, ...previous.filter((r) => r !== repository)].slice(0, MAX_SOURCES_PER_BLOB);
    }
    return true;
  });
}

export async function sourcesOf(paths: LayoutPaths, digest: string): Promise<string[]> {
  parseDigest(digest);
  const doc = await readSources(paths.sources);
  return [...(doc.blobs[digest] ?? [])];
}

/** Forgets the sources of blobs that GC deleted. */
export async function forgetSources(paths: LayoutPaths, digests: readonly string[]): Promise<void> {
  if (digests.length === 0) return;
  if ((await fs.stat(paths.sources).catch(() => undefined)) === undefined) return;
  await updateSources(paths, (doc) => {
    let changed = false;
    for (const d of digests) {
      if (Object.hasOwn(doc.blobs, d)) {
        delete doc.blobs[d];
        changed = true;
      }
    }
    return changed;
  });
}
