// Blob reads from a registry. Small blobs (image configs) are read whole with a cap and a
// digest check; layers are streamed by the pull path and verified as they stream.
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { createDigester, parseDigest } from '../../oci/digest.js';
import type { Repository } from '../../reference/parse.js';
import type { HttpResponse } from '../../transport/http.js';
import { repositoryScope } from '../../transport/scope.js';
import type { RemoteRegistry } from './remote-registry.js';

export interface BlobRequestOptions {
  signal?: AbortSignal;
  /** Resume: ask for bytes from this offset (`Range: bytes=N-`). */
  offset?: number;
}

/** Opens a blob for streaming (redirects to CDNs followed without credentials). */
export async function openBlob(remote: RemoteRegistry, repo: Repository, digest: string, opts: BlobRequestOptions = {}): Promise<HttpResponse> {
  parseDigest(digest);
  // Mirrors (if any) may serve it: the caller verifies the digest whoever sent the bytes.
  return remote.read(
    repo.registry,
    {
      method: 'GET',
      path: `/v2/${repo.repository}/blobs/${digest}`,
      scopes: [repositoryScope(repo.repository, ['pull'])],
      ...(opts.offset ? { headers: { range: `bytes=${opts.offset}-` } } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    (status) => status === 200 || status === 206,
  );
}

/** Reads a small blob whole (at most `limit` bytes) and verifies its digest. */
export async function getBlobBytes(
  remote: RemoteRegistry,
  repo: Repository,
  digest: string,
  opts: { signal?: AbortSignal; limit?: number } = {},
): Promise<Buffer> {
  const limit = opts.limit ?? 16 * 1024 * 1024;
  const res = await openBlob(remote, repo, digest, opts.signal ? { signal: opts.signal } : {});
  const bytes = await res.bytes(limit).catch((err: unknown) => {
    throw new RegctlError('REGCTL_TOO_LARGE', `blob ${digest} exceeds the ${limit}-byte limit`, { cause: err });
  });
  const actual = createDigester(parseDigest(digest).algorithm).update(bytes).digest();
  if (actual !== digest) throw new DigestMismatchError(digest, actual, `blob ${digest}`);
  return bytes;
}
