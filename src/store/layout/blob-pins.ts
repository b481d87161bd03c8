// Pins: how a pull in flight keeps GC in another process away from blobs it is about to
// reference. A pull writes (or finds) its blobs first and indexes them last (putImage), so in
// between they are unreachable from index.json. Each store instance therefore records the
// digests it has touched in its own file, `.regctl/pins/<pid>-<random>.pin`, BEFORE it looks
// at or writes the blob; gc() treats every live pin as a root (see gc.ts for why the
// "pin, then look" order plus GC's two phases leave no window).
//
// Why pins and not "GC skips blobs newer than N minutes": a layer that a pull finds already
// present is old, so mtime cannot protect it, and `pull x; rmi x` must free x's blobs at once.
// A pin file whose process died on this host is ignored (and deleted by gc), so a SIGKILLed
// pull cannot pin anything forever; pins from another host expire after a day.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDigest } from '../../oci/digest.js';
import { currentOwner, errnoCode, ioError, isDeadOwner, mkdirs, parseOwner } from './layout-fs.js';

const PIN_SUFFIX = '.pin';
const FOREIGN_PIN_MAX_AGE_MS = 24 * 60 * 60_000;

export class PinSet {
  private file: string | undefined;
  private readonly pinned = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /** Pins `digests`; resolves once the pin file on disk lists them. */
  add(digests: readonly string[]): Promise<void> {
    return this.serial(async () => {
      const fresh = [...new Set(digests)].filter((d) => !this.pinned.has(d));
      if (fresh.length === 0) return;
      const lines = fresh.map((d) => `${d}\n`).join('');
      if (this.file === undefined) {
        await mkdirs(this.dir);
        const file = path.join(this.dir, `${process.pid}-${randomBytes(6).toString('hex')}${PIN_SUFFIX}`);
        await write(file, `${JSON.stringify(currentOwner())}\n${lines}`, 'wx');
        this.file = file;
      } else {
        await write(this.file, lines, 'a');
      }
      for (const d of fresh) this.pinned.add(d);
    });
  }

  /** Unpins `digests` (they are indexed now, or no longer wanted). */
  remove(digests: readonly string[]): Promise<void> {
    return this.serial(async () => {
      let changed = false;
      for (const d of digests) changed = this.pinned.delete(d) || changed;
      if (!changed || this.file === undefined) return;
      if (this.pinned.size === 0) return this.dropFile();
      // Rewrite via rename so a concurrent GC reads the old list or the new one, never half.
      const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await write(temp, `${JSON.stringify(currentOwner())}\n${[...this.pinned].map((d) => `${d}\n`).join('')}`, 'wx');
      await fs.rename(temp, this.file).catch((err: unknown) => {
        throw ioError('write', this.file ?? temp, err);
      });
    });
  }

  /** Drops every pin of this instance. */
  release(): Promise<void> {
    return this.serial(async () => {
      this.pinned.clear();
      await this.dropFile();
    });
  }

  private async dropFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file !== undefined) await fs.rm(file, { force: true }).catch(() => undefined);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function write(file: string, data: string, flag: 'wx' | 'a'): Promise<void> {
  try {
    await fs.writeFile(file, data, { flag, mode: 0o644 });
  } catch (err) {
    throw ioError('write', file, err);
  }
}

/**
 * Every digest pinned by a live store instance (any process). Pin files of processes that
 * died on this host are deleted on the way when `removeDead` is set.
 */
export async function readLivePins(dir: string, removeDead: boolean): Promise<Set<string>> {
  const pinned = new Set<string>();
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return pinned;
    throw ioError('read', dir, err);
  }
  for (const name of names.filter((n) => n.endsWith(PIN_SUFFIX))) {
    const file = path.join(dir, name);
    let text: string;
    let mtimeMs: number;
    try {
      [text, mtimeMs] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue; // released meanwhile
      throw ioError('read', file, err);
    }
    const [first = '', ...rest] = text.split('\n');
    const owner = parseOwner(first);
    if (isDeadOwner(owner) || (owner === undefined && Date.now() - mtimeMs > FOREIGN_PIN_MAX_AGE_MS)) {
      if (removeDead) await fs.rm(file, { force: true }).catch(() => undefined);
      continue;
    }
    if (owner !== undefined && owner.hostname !== currentOwner().hostname && Date.now() - mtimeMs > FOREIGN_PIN_MAX_AGE_MS) continue;
    // A line being appended right now may be cut short; isDigest drops it (see gc.ts for why that is safe).
    for (const line of rest) if (isDigest(line)) pinned.add(line);
  }
  return pinned;
}
