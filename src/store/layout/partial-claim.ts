// Ownership of a blob's staging partial. Resuming only works if one writer at a time appends
// to `<alg>-<hex>.partial`, so a writer first creates `<alg>-<hex>.claim` (O_EXCL) holding its
// pid. A claim whose process died on this host (SIGKILL mid-pull) is broken, which is what
// lets the next run resume. While a live process holds the claim, other writers of the same
// blob use a private temp file instead (both produce identical bytes; the rename is atomic).
//
// The claim's create, read and release are synchronous calls: each is a few microseconds on a
// local disk, while the same call through libuv's threadpool costs a hand-off and a wake-up,
// and a 200-layer pull makes ~1,000 of them (measured in issue 8's notes: 21,600 futex calls
// against 230 for a bare script doing the same transfer).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, promises as fs, fstatSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { currentOwner, errnoCode, ioError, isDeadOwner, parseOwner } from './layout-fs.js';

export interface PartialClaim {
  release(): Promise<void>;
}

// A claim file is written in one small write right after creation; if it is still empty or
// unreadable after this long, its creator died in between.
const UNREADABLE_CLAIM_GRACE_MS = 60_000;

/** Claims the partial of one blob, or returns undefined when a live process owns it. */
export async function claimPartial(claimFile: string): Promise<PartialClaim | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const ino = await tryCreate(claimFile);
    if (ino !== undefined) return { release: () => releaseClaim(claimFile, ino) };
    if (!(await breakIfAbandoned(claimFile))) return undefined;
  }
  return undefined;
}

/** True when a live process (this one included) holds the claim. */
export async function isClaimed(claimFile: string): Promise<boolean> {
  const state = await readClaim(claimFile);
  return state !== undefined && !isAbandoned(state);
}

async function tryCreate(claimFile: string): Promise<number | undefined> {
  let fd: number;
  try {
    fd = openSync(claimFile, 'wx', 0o644);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return undefined;
    throw ioError('create', claimFile, err);
  }
  try {
    writeSync(fd, JSON.stringify(currentOwner()));
    return fstatSync(fd).ino;
  } catch (err) {
    throw ioError('create', claimFile, err);
  } finally {
    closeSync(fd);
  }
}

interface ClaimState {
  ino: number;
  ageMs: number;
  owner: ReturnType<typeof parseOwner>;
}

async function readClaim(claimFile: string): Promise<ClaimState | undefined> {
  try {
    const stat = statSync(claimFile);
    const owner = parseOwner(readFileSync(claimFile, 'utf8'));
    return { ino: stat.ino, ageMs: Date.now() - stat.mtimeMs, owner };
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw ioError('read', claimFile, err);
  }
}

function isAbandoned(state: ClaimState): boolean {
  return state.owner === undefined ? state.ageMs > UNREADABLE_CLAIM_GRACE_MS : isDeadOwner(state.owner);
}

/** Removes an abandoned claim; true when the caller should try to claim again. */
async function breakIfAbandoned(claimFile: string): Promise<boolean> {
  const state = await readClaim(claimFile);
  if (state === undefined) return true;
  if (!isAbandoned(state)) return false;
  // Move it aside and check it is still the claim judged abandoned: another process may have
  // broken it and taken a fresh one between our stat and the rename (same dance as file-lock.ts).
  const aside = `${claimFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(claimFile, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true;
    throw ioError('replace', claimFile, err);
  }
  try {
    if ((await fs.stat(aside)).ino !== state.ino) await fs.link(aside, claimFile).catch(() => undefined);
  } finally {
    await fs.rm(aside, { force: true });
  }
  return true;
}

async function releaseClaim(claimFile: string, ino: number): Promise<void> {
  try {
    if (statSync(claimFile).ino === ino) unlinkSync(claimFile);
  } catch {
    // already gone
  }
}
