// `digest REF`: the manifest digest from a HEAD request, which Docker Hub does not count as a
// pull; only a registry that sends no Docker-Content-Digest costs a GET (the digest is then
// computed from the exact bytes).
import type { Reference } from '../reference/parse.js';
import { getManifest, headManifest } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';

export interface ManifestDigest {
  digest: string;
  /** 'head' when the HEAD answered, 'get' when the manifest had to be fetched. */
  via: 'head' | 'get';
}

export async function manifestDigest(remote: RemoteRegistry, ref: Reference, opts: { signal?: AbortSignal } = {}): Promise<ManifestDigest> {
  const head = await headManifest(remote, ref, opts);
  if (head.digest) return { digest: head.digest, via: 'head' };
  const manifest = await getManifest(remote, ref, opts);
  return { digest: manifest.digest, via: 'get' };
}
