// Small file-system helpers shared by the layout modules: error mapping (every failure names
// the file), create-if-absent without a race, directory fsync, and owner liveness for the
// lock-like files (claims, pins) that a SIGKILLed process leaves behind.
import { randomBytes } from 'node:crypto';
import { promises as fs, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syncDirectory } from '../../util/atomic-write.js';
import { describeFsError, errnoCode } from '../../util/fs-errors.js';
import { isProcessAlive } from '../../util/process-alive.js';

export { syncDirectory };
import { RegctlError, isRegctlError } from '../../errors.js';

export { errnoCode };

/** RegctlError REGCTL_IO `cannot <action> <file>: ENOSPC: no space left on device`; RegctlErrors pass through. */
export function ioError(action: string, file: string, err: unknown): RegctlError {
  if (isRegctlError(err)) return err;
  return new RegctlError('REGCTL_IO', `cannot ${action} ${file}: ${describeFsError(err)}`, { cause: err });
}

export function layoutError(message: string, hint?: string): RegctlError {
  return new RegctlError('REGCTL_LAYOUT', message, hint === undefined ? {} : { hint });
}

/** Size of a regular file, or undefined when there is none. */
// fileSize and mkdirs run on every blob of a pull: synchronous, like the claim (partial-claim.ts).
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw ioError('read', file, err);
  }
}

export async function mkdirs(dir: string): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw ioError('create directory', dir, err);
  }
}

/**
 * Creates `file` with `data` only if it does not exist, atomically: the bytes go to a temp
 * file that is then hard-linked into place (link fails with EEXIST instead of replacing).
 * Two processes initialising one store at once can therefore never clobber an index.json
 * that the other has already filled. Returns false when the file was already there.
 */
export async function createIfAbsent(file: string, data: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, data, { mode: 0o644, flag: 'wx' });
    const handle = await fs.open(temp, 'r');
    await handle.sync().finally(() => handle.close());
    try {
      await fs.link(temp, file);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') return false;
      throw err;
    }
    await syncDirectory(path.dirname(file));
    return true;
  } catch (err) {
    throw ioError('write', file, err);
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

export interface FileOwner {
  pid: number;
  hostname: string;
}

export function currentOwner(): FileOwner {
  return { pid: process.pid, hostname: os.hostname() };
}

export function parseOwner(text: string): FileOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<FileOwner>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') return { pid: value.pid, hostname: value.hostname };
  } catch {
    // foreign or half-written content
  }
  return undefined;
}

/** True when `owner` is a process that has died on this host (only then is its file provably abandoned). */
export function isDeadOwner(owner: FileOwner | undefined): boolean {
  if (owner === undefined || owner.hostname !== os.hostname()) return false;
  return !isProcessAlive(owner.pid);
}
