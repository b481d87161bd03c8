// Hashes a file that is still being written, on a worker thread, so that the thread receiving
// and writing a blob does not also spend 0.6-0.7 s per GiB on sha256 (a Node thread tops out at
// ~0.5 GB/s for receive + hash + write; the machines have a second core). The writer tells the
// worker how far the file is written; the worker reads up to there (page cache, no copy across
// threads) and hashes; at the end the writer asks for the digest of the whole length. Resumed
// prefixes cost the writer nothing: the worker simply starts at byte 0.
//
// One small pool per process, created on first use. A worker is ref()ed only while it has jobs,
// so an idle pool never keeps the process alive, and it is terminated after IDLE_MS without
// work. A worker that cannot start or dies fails its jobs (callers then hash inline) and turns
// the pool off for the rest of the process.
import { Worker } from 'node:worker_threads';
import type { DigestAlgorithm } from '../../oci/digest.js';
import { FILE_HASHER_WORKER_SOURCE } from './file-hasher-worker.js';

/** Bytes written between two progress messages to a worker (256 messages per GiB). */
const MARK_BYTES = 4 * 1024 * 1024;
const IDLE_MS = 5_000;

export interface FileHashJob {
  /** The file now holds at least `length` bytes; the worker may hash up to there. */
  advance(length: number): void;
  /** The digest of the file's first `length` bytes; rejects when the worker could not make it. */
  digest(length: number): Promise<string>;
  /** No digest will be asked for (the write failed); frees the worker's side of the job. */
  cancel(): void;
}

export interface FileHasherPoolOptions {
  /** Worker threads (default 1). */
  threads?: number;
  idleMs?: number;
  /** Worker code (tests give a broken one); default FILE_HASHER_WORKER_SOURCE. */
  source?: string;
}

export interface FileHasherStats {
  /** Worker threads alive now. */
  threads: number;
  /** Jobs a worker is holding now (started, neither answered nor cancelled). */
  active: number;
  /** Jobs handed to a worker since the pool was made. */
  jobs: number;
  /** Jobs that ended without a digest from a worker (the caller hashed inline). */
  failed: number;
  /** False once a worker could not start or died: everything is hashed inline from then on. */
  enabled: boolean;
}

interface Pending {
  resolve(digest: string): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Pending>;
  idle: NodeJS.Timeout | undefined;
  /** Terminated on purpose (idle, close): its exit is not a failure. */
  closing: boolean;
}

type Message = { type: 'done'; id: number; digest: string } | { type: 'failed'; id: number; reason: string };

export class FileHasherPool {
  private readonly slots: (Slot | undefined)[];
  private readonly idleMs: number;
  private readonly source: string;
  private enabled = true;
  private nextId = 1;
  private jobCount = 0;
  private failedCount = 0;

  constructor(opts: FileHasherPoolOptions = {}) {
    this.slots = new Array<Slot | undefined>(Math.max(1, opts.threads ?? 1)).fill(undefined);
    this.idleMs = opts.idleMs ?? IDLE_MS;
    this.source = opts.source ?? FILE_HASHER_WORKER_SOURCE;
  }

  /**
   * Starts hashing `file`, whose first `length` bytes are written already (a resumed partial).
   * Undefined when no worker can be used: the caller hashes inline.
   */
  start(file: string, algorithm: DigestAlgorithm, length: number): FileHashJob | undefined {
    const slot = this.pick();
    if (slot === undefined) return undefined;
    const id = this.nextId++;
    this.jobCount++;
    const result = new Promise<string>((resolve, reject) => slot.jobs.set(id, { resolve, reject }));
    result.catch(() => undefined); // a cancelled job's result is never awaited
    this.busy(slot);
    let posted = length;
    let open = true;
    const post = (message: object) => slot.worker.postMessage(message);
    post({ type: 'start', id, file, algorithm, length });
    return {
      advance: (n) => {
        if (open && n - posted >= MARK_BYTES) post({ type: 'mark', id, length: (posted = n) });
      },
      digest: (n) => {
        if (open) post({ type: 'finish', id, length: n });
        open = false;
        return result.catch((err: unknown) => {
          this.failedCount++;
          throw err;
        });
      },
      cancel: () => {
        open = false;
        if (slot.jobs.delete(id)) {
          post({ type: 'cancel', id });
          this.settled(slot);
        }
      },
    };
  }

  stats(): FileHasherStats {
    const live = this.slots.filter((slot) => slot !== undefined);
    const active = live.reduce((sum, slot) => sum + slot.jobs.size, 0);
    return { threads: live.length, active, jobs: this.jobCount, failed: this.failedCount, enabled: this.enabled };
  }

  /** Terminates the workers (jobs in flight fail over to inline hashing); the pool stays usable. */
  async close(): Promise<void> {
    const slots = [...this.slots];
    this.slots.fill(undefined);
    await Promise.all(slots.map((slot) => slot && this.terminate(slot)));
  }

  /** The slot with the fewest jobs, starting its worker when needed. */
  private pick(): Slot | undefined {
    if (!this.enabled) return undefined;
    let best = 0;
    for (let i = 1; i < this.slots.length; i++) {
      if ((this.slots[i]?.jobs.size ?? 0) < (this.slots[best]?.jobs.size ?? 0)) best = i;
    }
    return (this.slots[best] ??= this.spawn(best));
  }

  private spawn(index: number): Slot | undefined {
    let worker: Worker;
    try {
      // execArgv: [] so that flags of the main thread (a debugger, a loader) are not inherited.
      // A worker costs ~10 MiB of RSS; a small old generation (it holds a few objects and one
      // 256 KiB buffer) saves 0.9 of them. Running out would only fail over to inline hashing.
      worker = new Worker(this.source, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 32 } });
    } catch {
      this.enabled = false;
      return undefined;
    }
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), idle: undefined, closing: false };
    worker.on('message', (message: Message) => {
      const pending = slot.jobs.get(message.id);
      if (pending === undefined) return;
      slot.jobs.delete(message.id);
      if (message.type === 'done') pending.resolve(message.digest);
      else pending.reject(new Error(`file hasher: ${message.reason}`));
      this.settled(slot);
    });
    const fail = (err: Error) => {
      if (slot.closing) return;
      slot.closing = true;
      this.enabled = false;
      if (this.slots[index] === slot) this.slots[index] = undefined;
      clearTimeout(slot.idle);
      for (const pending of slot.jobs.values()) pending.reject(err);
      slot.jobs.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`file hasher exited with code ${code}`)));
    return slot;
  }

  private busy(slot: Slot): void {
    clearTimeout(slot.idle);
    slot.idle = undefined;
    if (slot.jobs.size === 1) slot.worker.ref();
  }

  /** A job of `slot` ended: an idle worker must not keep the process alive, and goes after idleMs. */
  private settled(slot: Slot): void {
    if (slot.jobs.size > 0 || slot.closing) return;
    slot.worker.unref();
    slot.idle = setTimeout(() => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = undefined;
      void this.terminate(slot);
    }, this.idleMs);
    slot.idle.unref();
  }

  private async terminate(slot: Slot): Promise<void> {
    clearTimeout(slot.idle);
    for (const pending of slot.jobs.values()) pending.reject(new Error('file hasher closed'));
    slot.jobs.clear();
    slot.closing = true;
    await slot.worker.terminate();
  }
}

/** The process's pool, shared by every blob being written. */
export const fileHasherPool = new FileHasherPool();
