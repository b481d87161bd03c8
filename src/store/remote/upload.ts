// Pushing one blob: nothing when the repository already has it, a cross-repository mount when
// a repository on the same registry is known to hold it, otherwise an upload streamed from the
// source: one monolithic PUT, or PATCH chunks when asked (--chunk-size) or when the registry
// answers 413. A dropped connection asks the upload URL for the registry's Range and continues
// from there; a registry that no longer knows the session (distribution invalidates it when a
// PATCH was cut mid-body) gets a fresh session, so the push still completes.
import { isRegctlError, RegctlError } from '../../errors.js';
import type { Repository } from '../../reference/parse.js';
import { backoffDelay, isRetryableNetworkError, sleep } from '../../transport/retry.js';
import type { RemoteRegistry } from './remote-registry.js';
import { UploadBody, UploadDigest, type BlobSource } from './upload-body.js';
import {
  blobExists,
  completeUpload,
  patchRange,
  startUpload,
  uploadStatus,
  type UploadState,
  type UploadTarget,
} from './upload-session.js';

export type { BlobSource } from './upload-body.js';
export { blobExists } from './upload-session.js';

/** Connection drops survived per blob before giving up. */
export const MAX_UPLOAD_RESUMES = 5;
/** Smallest PATCH a 413 may shrink chunks to. */
export const MIN_CHUNK_SIZE = 64 * 1024;
/** Most mount sources tried per blob (docker tries 3). */
export const MAX_MOUNT_CANDIDATES = 3;

export interface UploadRetry {
  attempt: number;
  /** Where the upload continues: the registry's Range, or 0 after a restart. */
  offset: number;
  delayMs: number;
  reason: string;
}

export interface PushBlobOptions {
  signal?: AbortSignal;
  /** PATCH chunks of this many bytes instead of one PUT. */
  chunkSize?: number;
  /** Repository paths on the same registry believed to hold the blob, best first. */
  mountFrom?: readonly string[];
  /** A mount source the registry refused (e.g. no pull on it): callers skip it for later blobs. */
  onMountRefused?: (from: string) => void;
  /** Bytes of the blob sent so far in the current attempt (may go back after a resume). */
  onBytes?: (position: number) => void;
  onRetry?: (info: UploadRetry) => void;
}

export type PushBlobResult =
  | { kind: 'exists' }
  | { kind: 'mounted'; from: string }
  | { kind: 'uploaded'; bytesSent: number; resumes: number };

export async function pushBlob(remote: RemoteRegistry, repo: Repository, source: BlobSource, opts: PushBlobOptions = {}): Promise<PushBlobResult> {
  const t: UploadTarget = { remote, repo, ...(opts.signal ? { signal: opts.signal } : {}) };
  if (await blobExists(t, source.digest)) return { kind: 'exists' };
  let location: string | undefined;
  for (const from of (opts.mountFrom ?? []).filter((r) => r !== repo.repository).slice(0, MAX_MOUNT_CANDIDATES)) {
    const started = await startUpload(t, { digest: source.digest, from });
    if (started?.kind === 'mounted') return { kind: 'mounted', from };
    if (started?.kind === 'session') {
      location = started.location; // not mounted: upload into the session the registry opened
      break;
    }
    opts.onMountRefused?.(from);
  }
  return uploadBlob(t, source, opts, location);
}

/** Worth asking the registry where the upload stands and going on: drops, 5xx/429, a range it disputes (416). */
function isRecoverable(err: unknown): boolean {
  if (isRegctlError(err) && (err.code === 'REGCTL_NETWORK' || err.code === 'REGCTL_TIMEOUT')) return true;
  const { temporary, status } = err as { temporary?: unknown; status?: unknown };
  if (temporary === true || status === 416) return true;
  return isRetryableNetworkError(err);
}

async function newSession(t: UploadTarget): Promise<UploadState> {
  const started = await startUpload(t);
  if (started?.kind !== 'session') throw new RegctlError('REGCTL_REGISTRY', `POST /v2/${t.repo.repository}/blobs/uploads/: no upload session`);
  return { location: started.location, offset: 0 };
}

function smallerChunk(current: number): number {
  if (current <= MIN_CHUNK_SIZE) {
    throw new RegctlError('REGCTL_REGISTRY', `the registry refuses request bodies of ${current} bytes (413), even in chunks`);
  }
  return Math.max(MIN_CHUNK_SIZE, Math.floor(current / 2));
}

/** Uploads the whole blob into `location` (or a new session). */
export async function uploadBlob(t: UploadTarget, source: BlobSource, opts: PushBlobOptions = {}, location?: string): Promise<PushBlobResult> {
  const hash = source.origin ? new UploadDigest(source.digest, source.size, `blob ${source.digest} from ${source.origin}`) : new UploadDigest(source.digest, source.size);
  const onBytes = opts.onBytes ?? (() => undefined);
  let state: UploadState = location ? { location, offset: 0 } : await newSession(t);
  let chunk = opts.chunkSize;
  let resumes = 0;
  const bodies: UploadBody[] = [];
  const body = (start: number, end: number): UploadBody => {
    const b = new UploadBody(source, hash, start, end, onBytes);
    bodies.push(b);
    return b;
  };
  const uploaded = (): PushBlobResult => ({ kind: 'uploaded', bytesSent: bodies.reduce((n, b) => n + b.sent, 0), resumes });

  for (;;) {
    let current: UploadBody | undefined;
    try {
      if (chunk === undefined && state.offset === 0) {
        current = body(0, source.size);
        const outcome = await completeUpload(t, state.location, source.digest, current);
        if (outcome === 'done') return uploaded();
        chunk = smallerChunk(source.size);
        state = (await uploadStatus(t, state.location)) ?? (await newSession(t));
        continue;
      }
      let tooLarge = false;
      while (state.offset < source.size) {
        // After a resume without --chunk-size, the rest goes in one PATCH.
        current = body(state.offset, Math.min(source.size, state.offset + (chunk ?? source.size)));
        const next = await patchRange(t, state.location, current);
        if (next === 'tooLarge') {
          tooLarge = true;
          break;
        }
        if (next.offset > hash.hashedBytes) throw new RegctlError('REGCTL_REGISTRY', `the registry reports ${next.offset} bytes of ${source.digest}, more than were sent`);
        state = next;
      }
      if (tooLarge) {
        chunk = smallerChunk(chunk ?? source.size);
        state = (await uploadStatus(t, state.location)) ?? (await newSession(t));
        continue;
      }
      current = undefined;
      if (!hash.verified) throw new RegctlError('REGCTL_INTERNAL', `upload of ${source.digest} ended unverified`);
      await completeUpload(t, state.location, source.digest);
      return uploaded();
    } catch (err) {
      if (current?.failure !== undefined) throw current.failure; // the local file, not the network
      if (!isRecoverable(err) || resumes >= MAX_UPLOAD_RESUMES || t.signal?.aborted) throw err;
      resumes++;
      const status = await uploadStatus(t, state.location);
      // The registry can only hold bytes that were sent, and every sent byte was hashed first.
      state = status && status.offset <= hash.hashedBytes ? status : await newSession(t);
      const delayMs = backoffDelay(resumes);
      opts.onRetry?.({ attempt: resumes, offset: state.offset, delayMs, reason: (err as Error).message ?? String(err) });
      await sleep(delayMs, t.signal);
    }
  }
}
