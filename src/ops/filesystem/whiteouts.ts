// What the layers above hide, for reading an image's layers from the top down (as crane's
// mutate.Extract reads them): the first visible entry of a path is the one the flattened
// filesystem keeps, so a path is decided once and every lower entry of it is skipped. A whiteout
// `.wh.NAME` deletes NAME and everything under it from the layers below; an opaque marker
// `.wh..wh..opq` in DIR hides what the layers below hold under DIR (DIR itself stays). As the OCI
// image spec says, both apply to lower layers only, never to entries of their own layer: they are
// collected while a layer is read and take effect when it ends (crane applies them at once and
// ignores opaque markers). Other `.wh..wh.` names (aufs metadata) are dropped.
import path from 'node:path/posix';
import { RegctlError } from '../../errors.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

/** What an entry of a layer is, by its (normalized) name. */
export type EntryKind = { kind: 'entry' } | { kind: 'whiteout'; target: string } | { kind: 'opaque'; dir: string } | { kind: 'metadata' };

/**
 * A layer entry's name as a path from the root: `./a//b/` -> `a/b`, `/a` -> `a`, the root ''.
 * A name that climbs above the root with `..` is refused: extracting it would write outside.
 */
export function normalizeLayerPath(raw: string, layer: string): string {
  if (raw.includes('\0')) throw badEntry(raw, layer, 'the name contains a NUL byte');
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw badEntry(raw, layer, 'the path climbs above the root with ".."');
    parts.push(part);
  }
  return parts.join('/');
}

function badEntry(raw: string, layer: string, why: string): RegctlError {
  return new RegctlError('REGCTL_UNSUPPORTED', `layer ${layer} has an invalid entry "${raw}": ${why}`);
}

export function classifyEntry(name: string): EntryKind {
  const base = path.basename(name);
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'entry' };
  const dir = path.dirname(name) === '.' ? '' : path.dirname(name);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return { kind: 'metadata' };
  const target = base.slice(WHITEOUT_PREFIX.length);
  return target === '' ? { kind: 'metadata' } : { kind: 'whiteout', target: dir === '' ? target : `${dir}/${target}` };
}

/** The proper ancestors of `p`, nearest first: `a/b/c` -> `a/b`, `a`. */
function* ancestors(p: string): Generator<string> {
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) yield p.slice(0, i);
}

/** The state of a top-down walk: what the layers read so far decided and hide. */
export class LayerStack {
  /** Paths decided by an upper layer (emitted, or whited out): their lower entries are skipped. */
  private readonly decided = new Set<string>();
  /** Paths under which lower layers are hidden: a non-directory, a whiteout, an opaque directory. */
  private readonly covered = new Set<string>();
  private pendingWhiteouts: string[] = [];
  private pendingOpaque: string[] = [];

  /** Whether an entry at `p` (normalized, not the root) is hidden by what is above it. */
  hidden(p: string): boolean {
    if (this.decided.has(p)) return true;
    for (const a of ancestors(p)) if (this.covered.has(a)) return true;
    return this.covered.has(''); // an opaque root
  }

  /** Records that the entry at `p` is the one the filesystem keeps. */
  keep(p: string, isDirectory: boolean): void {
    this.decided.add(p);
    if (!isDirectory) this.covered.add(p);
  }

  /** A whiteout or opaque marker of the current layer: applied by endLayer(). */
  mark(kind: Extract<EntryKind, { kind: 'whiteout' } | { kind: 'opaque' }>): void {
    if (kind.kind === 'whiteout') this.pendingWhiteouts.push(kind.target);
    else this.pendingOpaque.push(kind.dir);
  }

  /** The current layer is read: its whiteouts and opaque markers now hide the layers below. */
  endLayer(): void {
    for (const p of this.pendingWhiteouts) {
      this.decided.add(p);
      this.covered.add(p);
    }
    for (const d of this.pendingOpaque) this.covered.add(d);
    this.pendingWhiteouts = [];
    this.pendingOpaque = [];
  }
}
