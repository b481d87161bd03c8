// Deleting from a registry (distribution-spec "content management"). A manifest is deleted by
// digest, which takes every tag naming it (as skopeo delete and crane delete do). A tag alone is
// deleted with DELETE by tag where the registry supports it (OCI distribution 1.1); a registry
// that refuses a tag there (distribution 2.8 answers 400 DIGEST_INVALID) gets regclient's method:
// point the tag at a throw-away manifest of its own, then delete that one by digest, so the
// other tags of the old digest stay. A registry with deletes disabled (405 UNSUPPORTED) is never
// sent the throw-away: the tag would be left pointing at it.
import { randomBytes } from 'node:crypto';
import { RegctlError } from '../../errors.js';
import { digestOf } from '../../oci/digest.js';
import { OCI_EMPTY, OCI_IMAGE_MANIFEST } from '../../oci/media-types.js';
import type { Reference } from '../../reference/parse.js';
import { readRegistryError, type RegistryError } from '../../transport/registry-error.js';
import { repositoryScope } from '../../transport/scope.js';
import { headManifest, putManifest } from './manifest.js';
import type { RemoteRegistry } from './remote-registry.js';
import { pushBlob } from './upload.js';

export const DELETE_DISABLED_HINT =
  'the registry has deletes turned off; for distribution (docker-registry) set REGISTRY_STORAGE_DELETE_ENABLED=true (storage.delete.enabled in config.yml)';

/** Marks the throw-away manifest a tag-only delete puts in place for an instant. */
export const TAG_DELETE_ANNOTATION = 'dev.regctl.tag-delete';

interface Signal {
  signal?: AbortSignal;
}

/** DELETE /v2/<name>/manifests/<reference>; resolves on 202 (or 200/204), rejects with the registry's error. */
async function deleteReference(remote: RemoteRegistry, ref: Reference, opts: Signal): Promise<void> {
  const res = await remote.transport(ref.registry).request({
    method: 'DELETE',
    path: `/v2/${ref.repository}/manifests/${ref.identifier()}`,
    // Token servers grant DELETE under its own action (distribution's "delete").
    scopes: [repositoryScope(ref.repository, ['delete'])],
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (res.status === 202 || res.status === 200 || res.status === 204) {
    await res.dump();
    return;
  }
  const err = await readRegistryError(res, 'DELETE', res.url);
  throw isDeleteDisabled(err) ? new RegctlError('REGCTL_UNSUPPORTED', `${ref.familiar()}: deleting is not supported by ${ref.registry}`, { cause: err, hint: DELETE_DISABLED_HINT }) : err;
}

function isDeleteDisabled(err: RegistryError): boolean {
  return err.status === 405 || err.errors.some((e) => e.code === 'UNSUPPORTED');
}

/** What a reference names now: its digest (HEAD), REGCTL_NOT_FOUND when there is none. */
export async function resolveDigest(remote: RemoteRegistry, ref: Reference, opts: Signal = {}): Promise<string> {
  if (ref.digest) return ref.digest;
  const head = await headManifest(remote, ref, opts);
  if (!head.digest) throw new RegctlError('REGCTL_REGISTRY', `${ref.registry} sent no Docker-Content-Digest for ${ref.familiar()}`);
  return head.digest;
}

/** Deletes the manifest `ref` names (every tag on it goes); returns its digest. */
export async function deleteManifest(remote: RemoteRegistry, ref: Reference, opts: Signal = {}): Promise<string> {
  const digest = await resolveDigest(remote, ref, opts);
  await deleteReference(remote, ref.withDigest(digest), opts);
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
