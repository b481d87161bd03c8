// Deleting from a registry (distribution-spec "content management"). A manifest is deleted by
// digest, which takes every tag naming it (as skopeo delete and crane delete do). A tag alone is
// deleted with DELETE by tag where the registry supports it (OCI distribution 1.1); a registry
// that refuses a tag there (distribution 2.8 answers 400 DIGEST_INVALID) gets regclient's method:
// point the tag at a throw-away manifest of its own, then delete that one by digest, so the
// other tags of the old digest stay. A registry with deletes disabled (405 UNSUPPORTED) is never
// sent the throw-away: the tag would be left pointing at it. Deleting a manifest that has a
// `subject` from a registry without the referrers API also takes its entry out of the subject's
// referrers tag-schema index (distribution-spec 1.1, "Deleting Manifests"), after the delete, as
// oras-go orders it: a refused delete leaves the index as it was.
import { randomBytes } from 'node:crypto';
import { RegctlError } from '../../errors.js';
import { digestOf } from '../../oci/digest.js';
import { OCI_EMPTY, OCI_IMAGE_MANIFEST } from '../../oci/media-types.js';
import type { Reference } from '../../reference/parse.js';
import type { RegistryError } from '../../transport/registry-error.js';
import { deleteReference } from './delete-reference.js';
import { getManifest, headManifest, putManifest } from './manifest.js';
import { hasReferrersApi } from './referrers.js';
import { referrerOfBytes, removeFromReferrersIndex } from './referrers-index.js';
import { tagSchemaRef } from './referrers-tag.js';
import type { RemoteRegistry } from './remote-registry.js';
import { pushBlob } from './upload.js';

export { DELETE_DISABLED_HINT } from './delete-reference.js';

/** Marks the throw-away manifest a tag-only delete puts in place for an instant. */
export const TAG_DELETE_ANNOTATION = 'dev.regctl.tag-delete';

interface Signal {
  signal?: AbortSignal;
}

/** What a reference names now: its digest (HEAD), REGCTL_NOT_FOUND when there is none. */
export async function resolveDigest(remote: RemoteRegistry, ref: Reference, opts: Signal = {}): Promise<string> {
  if (ref.digest) return ref.digest;
  const head = await headManifest(remote, ref, opts);
  if (!head.digest) throw new RegctlError('REGCTL_REGISTRY', `${ref.registry} sent no Docker-Content-Digest for ${ref.familiar()}`);
  return head.digest;
}

/** The digest of the manifest's `subject`, if it has one; undefined too when it cannot be read (the DELETE then says why). */
async function subjectOf(remote: RemoteRegistry, ref: Reference, opts: Signal): Promise<string | undefined> {
  try {
    const m = await getManifest(remote, ref, opts);
    return referrerOfBytes(m.bytes, m.mediaType, m.digest)?.subject;
  } catch (err) {
    if ((err as RegctlError).code === 'REGCTL_ABORTED') throw err;
    remote.debug(`${ref.familiar()}: not read before the delete (${(err as Error).message}); no referrers index is updated`);
    return undefined;
  }
}

/**
 * Deletes the manifest `ref` names (every tag on it goes); returns its digest. A manifest with
 * a subject, on a registry without the referrers API, also leaves the subject's tag-schema index.
 */
export async function deleteManifest(remote: RemoteRegistry, ref: Reference, opts: Signal = {}): Promise<string> {
  const digest = await resolveDigest(remote, ref, opts);
  const target = ref.withDigest(digest);
  const subject = await subjectOf(remote, target, opts);
  await deleteReference(remote, target, opts);
  if (subject === undefined || (await hasReferrersApi(remote, ref, subject, opts))) return digest;
  try {
    await removeFromReferrersIndex(remote, ref, subject, digest, opts);
  } catch (err) {
    const e = err as RegctlError;
    throw new RegctlError(e.code ?? 'REGCTL_INTERNAL', `${target.familiar()} is deleted, but its entry in ${tagSchemaRef(ref, subject).familiar()} was not removed: ${e.message}`, {
      cause: err,
      hint: e.hint ?? 'listing the referrers of its subject will name a manifest that is gone; removeFromReferrersIndex (library) takes the entry out',
    });
  }
  return digest;
}

export interface TagDeleteResult {
  /** The digest the tag named before. */
  digest: string;
  method: 'delete-by-tag' | 'throw-away-manifest';
}

/** Removes the tag only; other tags on the same digest stay. */
export async function deleteTag(remote: RemoteRegistry, ref: Reference, opts: Signal = {}): Promise<TagDeleteResult> {
  if (ref.digest || ref.tag === undefined) throw new RegctlError('REGCTL_USAGE', `${ref.familiar()}: --tag-only needs a tag, not a digest`);
  const digest = await resolveDigest(remote, ref, opts);
  try {
    await deleteReference(remote, ref, opts);
    return { digest, method: 'delete-by-tag' };
  } catch (err) {
    const status = (err as RegistryError).status;
    if ((err as RegctlError).code === 'REGCTL_UNSUPPORTED' || (status !== 400 && status !== 404)) throw err;
    // The tag was found a moment ago, so a 400 or 404 here means "not by tag".
  }
  await putThrowAway(remote, ref, opts);
  const throwAway = await resolveDigest(remote, ref, opts);
  await deleteReference(remote, ref.withDigest(throwAway), opts);
  return { digest, method: 'throw-away-manifest' };
}

/** An OCI manifest no other tag can share (its annotation is random), put at the tag. */
async function putThrowAway(remote: RemoteRegistry, ref: Reference, opts: Signal): Promise<void> {
  const config = Buffer.from('{}');
  const configDigest = digestOf(config);
  await pushBlob(remote, ref, { digest: configDigest, size: config.length, origin: 'regctl', read: async function* (start, end) { yield config.subarray(start, end); } }, opts);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: { mediaType: OCI_EMPTY, digest: configDigest, size: config.length },
    layers: [],
    annotations: { [TAG_DELETE_ANNOTATION]: randomBytes(16).toString('hex') },
  };
  await putManifest(remote, ref, Buffer.from(JSON.stringify(manifest)), OCI_IMAGE_MANIFEST, opts);
}
