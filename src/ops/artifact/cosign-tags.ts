// cosign's tag scheme (sigstore cosign, before OCI 1.1 referrers): the signature, attestations
// and SBOM of a manifest are stored in its repository under the tags `sha256-<hex>.sig`, `.att`
// and `.sbom`, not as referrers. They are found in the repository's tag list, read once per
// listing, and resolved by a HEAD each.
import { parseDigest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/manifest.js';
import type { Repository } from '../../reference/parse.js';
import { parseReference } from '../../reference/parse.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { listTags } from '../../store/remote/tags.js';
import { resolveDescriptor } from './resolve-descriptor.js';

export type CosignKind = 'signature' | 'attestation' | 'sbom';

const SUFFIXES: readonly (readonly [string, CosignKind])[] = [
  ['sig', 'signature'],
  ['att', 'attestation'],
  ['sbom', 'sbom'],
];

export interface CosignObject {
  kind: CosignKind;
  tag: string;
  descriptor: Descriptor;
}

/** `sha256:abc...` -> `sha256-abc...` (cosign's tag prefix for a digest). */
export function cosignTagPrefix(digest: string): string {
  const d = parseDigest(digest);
  return `${d.algorithm}-${d.hex}`;
}

/** The repository's tags, fetched on first use and then reused for every digest of the listing. */
export function cosignFinder(remote: RemoteRegistry, repo: Repository, signal?: AbortSignal): (digest: string) => Promise<CosignObject[]> {
  let tags: Promise<Set<string>> | undefined;
  return async (digest) => {
    tags ??= listTags(remote, repo, signal ? { signal } : {}).then((list) => new Set(list));
    const known = await tags;
    const found: CosignObject[] = [];
    for (const [suffix, kind] of SUFFIXES) {
      const tag = `${cosignTagPrefix(digest)}.${suffix}`;
      if (!known.has(tag)) continue;
      const descriptor = await resolveDescriptor(remote, parseReference(`${repo.name()}:${tag}`), signal ? { signal } : {});
      found.push({ kind, tag, descriptor });
    }
    return found;
  };
}
