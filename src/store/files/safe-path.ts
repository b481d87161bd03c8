// Where a name from an artifact (a layer's title, an entry of a packed directory) may be written
// under an output directory: only below it. Refused, as oras-go's file store refuses them
// (resolveWritePath, ensureBasePath, and its symlink-escape check): an absolute name, one that
// climbs out with `..`, and one with a symbolic link on the way, which would carry the write
// somewhere else. The link check is made when the files are placed, against what is there then.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RegctlError } from '../../errors.js';
import { errnoCode } from '../../util/fs-errors.js';

function refuse(name: string, where: string, why: string): RegctlError {
  return new RegctlError('REGCTL_IO', `refusing to write ${JSON.stringify(name)} from the artifact: ${why} ${where}`);
}

/**
 * `name` as a relative path below `where` (slash-separated, normalised), or a REGCTL_IO
 * refusal. `.` (the directory itself) is refused too: a file cannot replace its own directory.
 */
export function relativeName(name: string, where: string): string {
  if (name.includes('\0')) throw refuse(name, where, 'a NUL byte in the name cannot be written in');
  // Windows forms too: an artifact pushed there may be pulled here.
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) throw refuse(name, where, 'an absolute path is outside');
  const normal = path.posix.normalize(name).replace(/\/+$/, '');
  // A backslash is a name character here, but a separator where the artifact may be pulled
  // next: a name that would climb out there is refused here too.
  const windows = path.posix.normalize(name.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../') || windows === '..' || windows.startsWith('../')) throw refuse(name, where, 'it leaves');
  if (normal === '.' || normal === '') throw refuse(name, where, 'it names the directory itself, not a file in');
  return normal;
}

/** `rel` below `prefix` (a packed directory's entry under its title), as a path relative to the title. */
export function entryBelow(name: string, prefix: string, where: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw refuse(name, where, 'an absolute path is outside');
  const normal = path.posix.normalize(name).replace(/\/+$/, '');
  if (normal === prefix) return '.';
  if (!normal.startsWith(`${prefix}/`)) throw refuse(name, where, `it is not under ${prefix}/ in`);
  return normal.slice(prefix.length + 1);
}

/** Refuses when a directory between `root` and `root/rel` is a symbolic link (missing ones are fine: they get created). */
export async function assertNoLinkOnTheWay(root: string, rel: string, where: string): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    let stat;
    try {
      stat = await fs.lstat(current);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw new RegctlError('REGCTL_IO', `cannot read ${current}: ${errnoCode(err) ?? String(err)}`, { cause: err });
    }
    if (stat.isSymbolicLink()) throw refuse(rel, where, `${path.relative(root, current)} is a symbolic link in`);
    if (!stat.isDirectory()) throw refuse(rel, where, `${path.relative(root, current)} is not a directory in`);
  }
}
