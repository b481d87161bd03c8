// An advisory lock file (`<file>.lock`, created with O_EXCL) that serialises read-modify-write
// cycles of config.json between regctl processes, so two logins running at once both land.
// docker itself takes no lock; this only protects regctl against regctl.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import { describeFsError, errnoCode } from './fs-errors.js';
import { isProcessAlive } from './process-alive.js';

export interface FileLockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned (default 30 s; a held lock lives milliseconds). */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  hostname: string;
}

/** Runs `fn` while holding `lockPath`; `file` only names the protected file in errors. */
export async function withFileLock<T>(lockPath: string, file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const ino = await acquire(lockPath, file, options);
  try {
    return await fn();
  } finally {
    await release(lockPath, ino);
  }
}

async function acquire(lockPath: string, file: string, options: FileLockOptions): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const staleMs = options.staleMs ?? 30_000;
  let delay = 5;
  for (;;) {
    let ino: number | undefined;
    try {
      ino = await tryCreate(lockPath);
    } catch (err) {
      throw new ConfigError(`cannot lock ${file}: ${describeFsError(err)}`, { file, cause: err });
    }
    if (ino !== undefined) return ino;
    if (await breakIfStale(lockPath, staleMs)) continue;
    if (Date.now() >= deadline) {
      const owner = await readOwner(lockPath);
      throw new ConfigError(
        `cannot update ${file}: it is locked by another process${owner ? ` (pid ${owner.pid})` : ''} via ${lockPath}`,
        { file, hint: `if no regctl process is running, remove ${lockPath}` },
      );
    }
    // Jitter keeps two waiting processes from retrying in lock-step.
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 200);
  }
}

async function tryCreate(lockPath: string): Promise<number | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx', 0o600);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return undefined;
    throw err;
  }
  try {
    const owner: LockOwner = { pid: process.pid, hostname: os.hostname() };
    await handle.writeFile(JSON.stringify(owner));
    return (await handle.stat()).ino;
  } finally {
    await handle.close();
  }
}

/** Removes an abandoned lock: its owner died on this host, or it is older than `staleMs`. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let stat;
  try {
    stat = await fs.stat(lockPath);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true; // released meanwhile: retry at once
    throw err;
  }
  const owner = await readOwner(lockPath);
  const ownerDead = owner !== undefined && owner.hostname === os.hostname() && !isProcessAlive(owner.pid);
  if (!ownerDead && Date.now() - stat.mtimeMs < staleMs) return false;
  // Move the lock aside before deleting it, then check it was the one judged stale: between the
  // stat and the rename another process may have broken it and taken a fresh one.
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true;
    throw err;
  }
  try {
    if ((await fs.stat(aside)).ino !== stat.ino) await fs.link(aside, lockPath).catch(() => undefined);
  } finally {
    await fs.rm(aside, { force: true });
  }
  return true;
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(lockPath, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string') {
      return { pid: parsed.pid, hostname: parsed.hostname };
    }
  } catch {
    // empty (being written) or foreign content: judged by age alone
  }
  return undefined;
}

/** Deletes the lock only if it is still ours (it may have been broken as stale by someone else). */
async function release(lockPath: string, ino: number): Promise<void> {
  try {
    if ((await fs.stat(lockPath)).ino === ino) await fs.rm(lockPath, { force: true });
  } catch {
    // already gone
  }
}
