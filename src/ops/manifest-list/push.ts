// `manifest push [--purge] LIST` (docker/cli cli/command/manifest/push.go): builds docker's list
// from the local entries (oci/manifest-list-json.ts), checks every entry has an os and an
// architecture and lives on the list's registry, then, in docker's order: mounts the blobs of
// entries from other repositories into the list's repository, PUTs those manifests there by
// digest (their exact bytes), PUTs the list under its tag, and with --purge removes the local list.
import { DigestMismatchError, ManifestListError, RegctlError, isRegctlError } from '../../errors.js';
import type { StoredManifest } from '../../config/manifest-list-entry.js';
import type { ManifestListStore } from '../../config/manifest-list-store.js';
import { digestOf, parseDigest } from '../../oci/digest.js';
import { goIndent } from '../../oci/go-json.js';
import { marshalManifestList, type ManifestListEntry } from '../../oci/manifest-list-json.js';
import { parseReference, type Reference } from '../../reference/parse.js';
import { putManifest } from '../../store/remote/manifest.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { mountBlob, type BlobMount } from './mount-blob.js';
import { parseNamed } from './parse-names.js';

export interface PushManifestListOptions {
  /** Remove the local list once pushed (docker's --purge). */
  purge?: boolean;
  signal?: AbortSignal;
  /** An entry's manifest was pushed into the list's repository (docker prints `Pushed ref ...`). */
  onManifestPushed?: (pushed: PushedManifest) => void;
}

export interface PushedManifest {
  /** `REGISTRY/REPOSITORY@DIGEST` in the list's repository. */
  ref: string;
  digest: string;
}

export interface PushedManifestList {
  list: string;
  digest: string;
  mediaType: string;
  size: number;
  /** Entries from other repositories, pushed by digest into the list's repository first. */
  manifests: PushedManifest[];
}

/** The list entry docker builds (buildManifestDescriptor): same registry as the list, or refused. */
export function listEntryOf(entry: StoredManifest, list: Reference): ManifestListEntry {
  const registry = parseReference(entry.ref).registry;
  if (registry !== list.registry) {
    throw new ManifestListError(
      'REGCTL_UNSUPPORTED',
      'cross-registry',
      `cannot use source images from a different registry than the target image: ${registry} != ${list.registry}`,
    );
  }
  const { mediaType, size, digest, platform } = entry.descriptor;
  return { mediaType, size, digest, platform };
}

function checkPlatform(entry: StoredManifest): void {
  const p = entry.descriptor.platform;
  if (!p?.architecture || !p.os) {
    throw new ManifestListError('REGCTL_INVALID_MANIFEST', 'missing-platform', `manifest ${entry.ref} must have an OS and Architecture to be pushed to a registry`);
  }
}

/** The bytes to push: the registry's own, or for files without them docker's re-indentation, which must match the digest. */
export function entryPayload(entry: StoredManifest): Buffer {
  const bytes = entry.raw ?? Buffer.from(goIndent(entry.manifestText, entry.kind === 'SchemaV2Manifest' ? '   ' : '  '), 'utf8');
  const expected = entry.descriptor.digest;
  const actual = digestOf(bytes, parseDigest(expected).algorithm);
  if (actual !== expected) {
    throw new ManifestListError('REGCTL_DIGEST_MISMATCH', 'digest-mismatch', `internal digest mismatch for ${entry.ref}: expected ${expected}, got ${actual}`, {
      cause: new DigestMismatchError(expected, actual, entry.ref),
    });
  }
  return bytes;
}

/** docker's Blobs(): the config and the layers of the entry's manifest. */
function blobsOf(entry: StoredManifest, from: string): BlobMount[] {
  const m = JSON.parse(entry.manifestText) as { config?: { digest?: string }; layers?: { digest?: string }[] };
  const digests = [m.config?.digest, ...(m.layers ?? []).map((l) => l.digest)].filter((d): d is string => typeof d === 'string');
  return digests.map((digest) => ({ from, digest, os: entry.descriptor.platform?.os }));
}

/** putManifest with docker's wrapping of a refusal: `failed to put manifest REF: ...`. */
async function putListManifest(remote: RemoteRegistry, ref: Reference, bytes: Buffer, mediaType: string, signal: { signal?: AbortSignal }) {
  return putManifest(remote, ref, bytes, mediaType, signal).catch((err: unknown) => {
    if (!isRegctlError(err) || err.code === 'REGCTL_ABORTED') throw err;
    throw new RegctlError(err.code, `failed to put manifest ${ref.toString()}: ${err.message}`, { cause: err, ...(err.hint ? { hint: err.hint } : {}) });
  });
}

export async function pushManifestList(
  remote: RemoteRegistry,
  store: ManifestListStore,
  listInput: string,
  opts: PushManifestListOptions = {},
): Promise<PushedManifestList> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const list = parseNamed(listInput);
  const entries = await store.getList(list);
  if (entries.length === 0) throw new ManifestListError('REGCTL_NOT_FOUND', 'list-empty', `${list.toString()} not found`);
  const marshalled = marshalManifestList(
    entries.map((e) => {
      checkPlatform(e);
      return listEntryOf(e, list);
    }),
  );

  const foreign = entries.filter((e) => parseReference(e.ref).repository !== list.repository);
  const mounts = foreign.flatMap((e) => blobsOf(e, parseReference(e.ref).repository));
  const puts = foreign.map((e) => ({ ref: parseReference(`${list.name()}@${e.descriptor.digest}`), entry: e, bytes: entryPayload(e) }));
  for (const mount of mounts) await mountBlob(remote, list, mount, list.toString(), signal);
  const pushed: PushedManifest[] = [];
  for (const put of puts) {
    const { digest } = await putListManifest(remote, put.ref, put.bytes, put.entry.descriptor.mediaType, signal);
    const done = { ref: put.ref.toString(), digest };
    pushed.push(done);
    opts.onManifestPushed?.(done);
  }
  const { digest, size } = await putListManifest(remote, list, marshalled.bytes, marshalled.mediaType, signal);
  if (opts.purge) await store.remove(list);
  return { list: list.toString(), digest, mediaType: marshalled.mediaType, size, manifests: pushed };
}
