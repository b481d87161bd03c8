// Removes staging leftovers: partials that are complete elsewhere (the blob is in blobs/) or
// untouched for longer than the caller's limit, private temp files of dead writers, and claims
// of dead writers. A partial whose claim is held by a live process is never touched.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode, fileSize, ioError, isDeadOwner, currentOwner } from './layout-fs.js';
import { CLAIM_SUFFIX, PARTIAL_SUFFIX, TEMP_SUFFIX, digestOfStagingName, type LayoutPaths } from './layout-paths.js';
import { claimPartial } from './partial-claim.js';

/** Returns how many files were removed. */
export async function cleanStaging(paths: LayoutPaths, maxAgeMs: number): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(paths.staging);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw ioError('read', paths.staging, err);
  }
  let removed = 0;
  const now = Date.now();
  for (const name of names) {
    const digest = digestOfStagingName(name);
    const file = path.join(paths.staging, name);
    if (name.endsWith(TEMP_SUFFIX)) {
      const pid = Number(/\.(\d+)-[0-9a-f]+\.tmp$/.exec(name)?.[1]);
      const age = await ageMs(file, now);
      if (age !== undefined && (isDeadOwner({ pid, hostname: currentOwner().hostname }) || age > maxAgeMs)) {
        removed += await remove(file);
      }
    } else if (digest !== undefined && (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(CLAIM_SUFFIX))) {
      // Claiming breaks an abandoned claim; failing to claim means a live writer: hands off.
      const claimFile = paths.claim(digest);
      const hadClaim = (await fileSize(claimFile)) !== undefined;
      const claim = await claimPartial(claimFile);
      if (!claim) continue;
      try {
        if (hadClaim && name.endsWith(CLAIM_SUFFIX)) removed += 1;
        if (name.endsWith(PARTIAL_SUFFIX)) {
          const age = await ageMs(file, now);
          const complete = (await fileSize(paths.blob(digest))) !== undefined;
          if (age !== undefined && (complete || age >= maxAgeMs)) removed += await remove(file);
        }
      } finally {
        await claim.release();
      }
    }
  }
  return removed;
}

async function ageMs(file: string, now: number): Promise<number | undefined> {
  try {
    return now - (await fs.stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function remove(file: string): Promise<number> {
  try {
    await fs.rm(file);
    return 1;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw ioError('remove', file, err);
  }
}
