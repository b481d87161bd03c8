// Names inside an image archive (docker save, skopeo docker-archive / oci-archive). Loading
// never extracts to disk: entries are read by name into the store. Still, a name that is
// absolute or climbs out with `..` is refused outright, as is a link whose target would leave
// the archive: such an archive was made to attack extractors, and the user must hear about it.
// Links that stay inside are kept as aliases (skopeo's docker-archive has `<id>/layer.tar ->
// ../<hex>.tar`); they are resolved in memory, never created as files.
import path from 'node:path/posix';
import { RegctlError } from '../../errors.js';

export function unsafeEntry(name: string, why: string): RegctlError {
  return new RegctlError('REGCTL_LAYOUT', `refusing archive entry "${name}": ${why}`, {
    hint: 'the archive is not a valid image archive (docker save, docker-archive or oci-archive); nothing was loaded',
  });
}

/** `./a//b/` -> `a/b`; throws for absolute names, `..`, NUL, or an empty name. */
export function normalizeEntryName(raw: string): string {
  if (raw.includes('\0')) throw unsafeEntry(raw, 'the name contains a NUL byte');
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) throw unsafeEntry(raw, 'absolute path');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw unsafeEntry(raw, 'the path contains ".."');
  if (parts.length === 0) return '';
  return parts.join('/');
}

/**
 * Where a link entry points, as an archive name. Symlink targets are relative to the link's
 * directory, hardlink targets to the archive root; either must stay inside the archive.
 */
export function linkTarget(name: string, target: string, kind: 'symlink' | 'link'): string {
  if (target === '' || target.includes('\0')) throw unsafeEntry(name, `${kind} with an empty or invalid target`);
  if (target.startsWith('/')) throw unsafeEntry(name, `${kind} to the absolute path ${target}`);
  const base = kind === 'symlink' ? path.dirname(name) : '.';
  const joined = path.normalize(path.join(base, target));
  if (joined === '..' || joined.startsWith('../') || joined === '.') throw unsafeEntry(name, `${kind} to ${target} points outside the archive`);
  return joined;
}

/** Follows aliases (at most 16 hops: a loop is an error, not a hang). */
export function resolveAlias(name: string, links: ReadonlyMap<string, string>): string {
  let current = path.normalize(name);
  for (let hops = 0; hops < 16; hops++) {
    const next = links.get(current);
    if (next === undefined) return current;
    current = next;
  }
  throw unsafeEntry(name, 'links form a loop');
}
