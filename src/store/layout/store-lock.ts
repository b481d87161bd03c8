// Exclusive locks on store files (index.json, sources.json) between processes, reusing the
// O_EXCL lock file of config.json. Two additions for the store: an in-process queue in front
// of the file lock (concurrent pulls in one process would otherwise poll the lock file with
// back-off sleeps), and lock failures reported as store errors instead of config errors.
import path from 'node:path';
import { withFileLock } from '../../util/file-lock.js';
import { RegctlError, isRegctlError } from '../../errors.js';
import { mkdirs } from './layout-fs.js';

// A GC over a large store holds the lock for seconds, a put for milliseconds. The stale limit
// only matters for a holder that hangs: a holder that died is detected by pid at once.
const LOCK_OPTIONS = { timeoutMs: 120_000, staleMs: 10 * 60_000 };

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding `lockPath` (exclusive across processes and within this one). */
export async function withStoreLock<T>(lockPath: string, protectedFile: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => lockAcrossProcesses(lockPath, protectedFile, fn));
  const tail = run.catch(() => undefined);
  queues.set(lockPath, tail);
  try {
    return await run;
  } finally {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  }
}

async function lockAcrossProcesses<T>(lockPath: string, protectedFile: string, fn: () => Promise<T>): Promise<T> {
  await mkdirs(path.dirname(lockPath));
  let entered = false;
  try {
    return await withFileLock(
      lockPath,
      protectedFile,
      async () => {
        entered = true;
        return fn();
      },
      LOCK_OPTIONS,
    );
  } catch (err) {
    // withFileLock reports its own failures as config errors; fn's errors pass unchanged.
    if (!entered && isRegctlError(err) && err.code === 'REGCTL_CONFIG') {
      const code = err.cause === undefined ? 'REGCTL_LAYOUT' : 'REGCTL_IO';
      throw new RegctlError(code, err.message, { cause: err, ...(err.hint ? { hint: err.hint } : {}) });
    }
    throw err;
  }
}
