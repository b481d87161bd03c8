// The descriptor of the manifest a reference names (media type, digest, size), as oras resolves
// a subject: from a HEAD, which Docker Hub does not count as a pull; a registry that leaves out
// the digest, the size or a manifest Content-Type costs a GET (the digest then computed from the
// exact bytes).
import { RegctlError, isRegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import { MANIFEST_ACCEPT, baseMediaType } from '../../oci/media-types.js';
import { parseReference, type Reference, type Repository } from '../../reference/parse.js';
import { getManifest, headManifest } from '../../store/remote/manifest.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';

/** Artifact manifests are OCI: a registry only lists referrers of those types. */
const ACCEPT = MANIFEST_ACCEPT;

export async function resolveDescriptor(remote: RemoteRegistry, ref: Reference, opts: { signal?: AbortSignal } = {}): Promise<Descriptor> {
  const head = await headManifest(remote, ref, { ...opts, accept: ACCEPT }).catch((err: unknown) => {
    // A HEAD's 404 has no body to explain it: said plainly instead.
    if (isRegctlError(err) && err.code === 'REGCTL_NOT_FOUND') throw new RegctlError('REGCTL_NOT_FOUND', `no such manifest: ${ref.familiar()}`, { cause: err });
    throw err;
  });
  const mediaType = head.mediaType ? baseMediaType(head.mediaType) : undefined;
  if (head.digest && (!ref.digest || head.digest === ref.digest) && head.size !== undefined && Number.isSafeInteger(head.size) && mediaType && ACCEPT.includes(mediaType)) {
    return { mediaType, digest: head.digest, size: head.size };
  }
  const got = await getManifest(remote, ref, { ...opts, accept: ACCEPT });
  return { mediaType: got.mediaType, digest: got.digest, size: got.size };
}

/** `repo@digest`, with no tag: how a manifest is put when only its digest should name it. */
export function byDigest(repo: Repository, digest: string): Reference {
  return parseReference(`${repo.name()}@${digest}`);
}
