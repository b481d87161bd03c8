// `delete`: remove a manifest (every tag on it) or, with tagOnly, one tag from a registry.
// With dryRun nothing is sent but the lookups that say what would go. Returns data; never prints.
// A manifest with a `subject` also leaves its subject's referrers tag-schema index on a registry
// without the referrers API (store/remote/delete.ts); removing a tag only changes no index.
import type { Reference } from '../reference/parse.js';
import { deleteManifest, deleteTag, resolveDigest, type TagDeleteResult } from '../store/remote/delete.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';

export interface DeleteOptions {
  /** Remove only the tag; other tags on its digest stay. */
  tagOnly?: boolean;
  /** Resolve what would go, send no DELETE. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DeleteResult {
  /** What was (or would be) removed: `NAME@DIGEST`, or `NAME:TAG` for a tag. */
  target: string;
  digest: string;
  dryRun: boolean;
  /** How a tag went (tagOnly). */
  method?: TagDeleteResult['method'];
}

export async function deleteImage(remote: RemoteRegistry, ref: Reference, opts: DeleteOptions = {}): Promise<DeleteResult> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const target = (digest: string) => (opts.tagOnly ? ref.toString() : `${ref.name()}@${digest}`);
  if (opts.dryRun) {
    const digest = await resolveDigest(remote, ref, signal);
    return { target: target(digest), digest, dryRun: true };
  }
  if (opts.tagOnly) {
    const { digest, method } = await deleteTag(remote, ref, signal);
    return { target: target(digest), digest, dryRun: false, method };
  }
  const digest = await deleteManifest(remote, ref, signal);
  return { target: target(digest), digest, dryRun: false };
}
