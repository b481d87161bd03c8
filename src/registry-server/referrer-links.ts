// Referrer links of one repository, next to its _manifests and _tags links:
//
//   <repo dir>/_referrers/<subject alg>/<subject hex>/<referrer alg>/<referrer hex>
//
// each holding the referrer's descriptor as the referrers API lists it (oci/referrers.ts).
// One file per referrer, so concurrent pushes to one subject never rewrite a shared list and
// cannot lose each other's entries. Written atomically (temp file, fsync, rename); temp files
// start with '.' and are skipped when listing. The caller holds the store's index lock for
// writes and removals, as for the other links.
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDigest } from '../oci/digest.js';
import type { Descriptor } from '../oci/manifest.js';
import { REFERRER_LINKS_DIR } from '../store/layout/registry-roots.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { errnoCode } from '../util/fs-errors.js';
import type { Referrer } from '../oci/referrers.js';

/** Link files read between two turns of the event loop when listing. */
const READ_BATCH = 256;

function subjectDir(repoDir: string, subject: string): string {
  const d = parseDigest(subject);
  return path.join(repoDir, REFERRER_LINKS_DIR, d.algorithm, d.hex);
}

function linkPath(repoDir: string, subject: string, referrer: string): string {
  const r = parseDigest(referrer);
  return path.join(subjectDir(repoDir, subject), r.algorithm, r.hex);
}

function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export async function writeReferrerLink(repoDir: string, referrer: Referrer): Promise<void> {
  await writeFileAtomic(linkPath(repoDir, referrer.subject, referrer.descriptor.digest), JSON.stringify(referrer.descriptor), { mode: 0o644, dirMode: 0o755 });
}

export async function removeReferrerLink(repoDir: string, subject: string, referrer: string): Promise<void> {
  await fs.rm(linkPath(repoDir, subject, referrer), { force: true });
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}

/**
 * Reads small files in batches of synchronous reads, yielding to the event loop between
 * batches. For thousands of tiny link files this is several times faster than fs.promises
 * (measured: 10,000 files in 0.4 s against 3 s here), and a batch blocks other requests for
 * milliseconds only.
 */
async function readSmallFiles(files: readonly string[]): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (let i = 0; i < files.length; i += READ_BATCH) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const file of files.slice(i, i + READ_BATCH)) {
      try {
        out.push(readFileSync(file, 'utf8'));
      } catch {
        out.push(undefined);
      }
    }
  }
  return out;
}

function isDescriptor(value: unknown, digest: string): value is Descriptor {
  const d = value as Partial<Descriptor> | null;
  return typeof d === 'object' && d !== null && d.digest === digest && typeof d.mediaType === 'string' && typeof d.size === 'number';
}

/** Descriptors linked to `subject`, in no particular order; unreadable or torn links are skipped. */
export async function readReferrerLinks(repoDir: string, subject: string): Promise<Descriptor[]> {
  const base = subjectDir(repoDir, subject);
  const files: { file: string; digest: string }[] = [];
  for (const algorithm of await listDir(base)) {
    for (const hex of await listDir(path.join(base, algorithm))) files.push({ file: path.join(base, algorithm, hex), digest: `${algorithm}:${hex}` });
  }
  const texts = await readSmallFiles(files.map((f) => f.file));
  const read = files.map(({ digest }, i) => {
    try {
      const value: unknown = JSON.parse(texts[i] ?? '');
      return isDescriptor(value, digest) ? value : undefined;
    } catch {
      return undefined;
    }
  });
  return read.filter((d): d is Descriptor => d !== undefined);
}
