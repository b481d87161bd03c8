// Crash-safe replacement of a small file: a reader sees the old bytes or the new bytes, never a
// torn file. Same recipe as docker's configfile.Save, plus fsync (docker skips it).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from './fs-errors.js';

const MAX_SYMLINK_HOPS = 40;

export interface AtomicWriteOptions {
  /** Mode of the written file (default 0o600: config.json may hold passwords). */
  mode?: number;
  /** Mode of directories created on the way (default 0o700). */
  dirMode?: number;
}

/**
 * The path a write to `file` must replace: symlinks are followed, also a dangling last link
 * (so a config.json linked into a dotfiles repo keeps being the link, and the repo file changes).
 */
export async function resolveWriteTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    current = await realDirectory(current);
    let link: string;
    try {
      link = await fs.readlink(current);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EINVAL' || code === 'ENOENT' || code === 'ENOTDIR') return current;
      throw err;
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links encountered, readlink '${file}'`), {
    code: 'ELOOP',
  });
}

/** Relative link targets are relative to the real directory holding the link, not its textual path. */
async function realDirectory(file: string): Promise<string> {
  try {
    return path.join(await fs.realpath(path.dirname(file)), path.basename(file));
  } catch {
    return file;
  }
}

/** Writes `data` to a temp file next to the target, fsyncs it and renames it over the target. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dirMode = options.dirMode ?? 0o700;
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true, mode: dirMode });
  const target = await resolveWriteTarget(file);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: dirMode });
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', mode);
    // open()'s mode is filtered by the umask; the credentials file must be exactly owner-only.
    await handle.chmod(mode);
    await keepOwner(handle, target);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** `sudo regctl login` must not leave a root-owned config.json in the user's home (docker does the same). */
async function keepOwner(handle: fs.FileHandle, target: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  try {
    const previous = await fs.stat(target);
    if (previous.uid !== 0 || previous.gid !== 0) await handle.chown(previous.uid, previous.gid);
  } catch {
    // no previous file: the new one belongs to the caller
  }
}

/** Makes renames in `dir` durable. Best effort: not every platform (Windows) can fsync a directory. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
