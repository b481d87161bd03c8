// Where a destination archive ends up: nothing is visible at FILE until the tar is complete.
// It is written to a hidden temp file in FILE's directory (`.FILE.regctl-<random>.tmp`, the same
// file system, so the final step is a rename), fsynced, renamed over FILE and the directory
// fsynced. A symlink at FILE is followed (its target is replaced, as writing through it would);
// an existing pipe or device (`/dev/stdout`) is written directly, since it cannot be replaced.
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { RegctlError } from '../../errors.js';
import { resolveWriteTarget, syncDirectory } from '../../util/atomic-write.js';
import { errnoCode } from '../../util/fs-errors.js';
import { ioError } from '../layout/layout-fs.js';

export interface ArchiveTargetOptions {
  /** Refuse a regular FILE that is not empty, with this reason (docker-archive, as skopeo). */
  refuseExisting?: string;
  /** What a refusal starts with (default `cannot write FILE`); save passes docker save's `failed to save image`. */
  failure?: string;
}

export interface ArchiveTarget {
  readonly file: string;
  /** Runs `fn` on the output and makes the result visible at FILE; a failure leaves FILE as it was. */
  write(fn: (out: Writable) => Promise<void>): Promise<void>;
  /** Removes a temp file left by an interrupted write. */
  discard(): Promise<void>;
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw ioError('write', file, err);
  }
}

/** Checks FILE (before anything is transferred) and returns how to write it. */
export async function prepareArchiveTarget(file: string, opts: ArchiveTargetOptions = {}): Promise<ArchiveTarget> {
  const target = await resolveWriteTarget(file).catch((err: unknown) => {
    throw ioError('write', file, err);
  });
  const dir = path.dirname(target);
  const failure = opts.failure ?? `cannot write ${file}`;
  const dirStat = await statOrUndefined(dir);
  // docker's wording (cli/command/utils.go ValidateOutputPath), for save -o and export -o alike.
  if (!dirStat?.isDirectory()) throw new RegctlError('REGCTL_IO', `${failure}: invalid output path: directory ${JSON.stringify(dir)} does not exist`);
  const check = async (): Promise<Stats | undefined> => {
    const stat = await statOrUndefined(target);
    if (stat?.isDirectory()) throw new RegctlError('REGCTL_IO', `${failure}: ${file} is a directory`);
    if (stat?.isFile() && stat.size > 0 && opts.refuseExisting) {
      throw new RegctlError('REGCTL_IO', `${failure}: ${opts.refuseExisting}`, { hint: 'remove the file or name a new one' });
    }
    return stat;
  };
  const existing = await check();
  const direct = existing !== undefined && !existing.isFile();
  let temp: string | undefined;

  const writeVia = async (into: string, flags: string, fn: (out: Writable) => Promise<void>) => {
    const out = createWriteStream(into, { flags, mode: 0o644 });
    try {
      await fn(out);
    } catch (err) {
      // fn may fail before it piped anything into `out` (a missing blob): close the file either way.
      if (!out.closed) await new Promise<void>((resolve) => out.destroy().once('close', () => resolve()));
      throw err;
    }
    if (direct) return;
    const handle = await fs.open(into, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };

  const discard = async () => {
    if (temp === undefined) return;
    const leftover = temp;
    temp = undefined;
    await fs.rm(leftover, { force: true }).catch(() => undefined);
  };

  return {
    file,
    discard,
    async write(fn) {
      if (direct) return writeVia(target, 'w', fn).catch((err: unknown) => Promise.reject(ioError('write', file, err)));
      await check(); // a file that appeared meanwhile is refused too
      temp = path.join(dir, `.${path.basename(target)}.regctl-${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeVia(temp, 'wx', fn);
        await fs.rename(temp, target);
        temp = undefined;
      } catch (err) {
        await discard();
        throw ioError('write', file, err);
      }
      await syncDirectory(dir);
    },
  };
}
