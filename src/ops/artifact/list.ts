// `artifact list`: what refers to a manifest, as `oras discover` finds it: the referrers of the
// subject's digest (store/remote/referrers.ts: the referrers API, or the referrers tag schema on
// a registry without it), filtered by artifactType; with `recursive`, the referrers of each
// referrer too, as a tree. Beyond oras, cosign's tag-scheme objects (cosign-tags.ts) are listed
// with the referrers, marked as such (not when an artifactType filter is asked for: they have
// none). Returns data; never prints.
import type { Descriptor } from '../../oci/manifest.js';
import type { Reference } from '../../reference/parse.js';
import { listReferrers } from '../../store/remote/referrers.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { cosignFinder, type CosignKind } from './cosign-tags.js';
import { byDigest, resolveDescriptor } from './resolve-descriptor.js';

/** How deep a recursive listing goes: artifacts about artifacts rarely go past 2 or 3. */
export const MAX_REFERRER_DEPTH = 8;

export interface ReferrerNode {
  descriptor: Descriptor;
  /** Set for a cosign tag-scheme object: its kind and the tag that names it. */
  cosign?: { kind: CosignKind; tag: string };
  /** With `recursive`: what refers to this one (empty otherwise). */
  referrers: ReferrerNode[];
}

export interface ListArtifactsOptions {
  /** Only referrers of this artifactType (and no cosign objects). */
  artifactType?: string;
  /** Referrers of referrers, down to MAX_REFERRER_DEPTH. */
  recursive?: boolean;
  /** Leave out cosign's tag-scheme objects (no tag list is read). */
  skipCosign?: boolean;
  signal?: AbortSignal;
}

export interface ListArtifactsResult {
  /** The manifest SUBJECT resolved to. */
  subject: Descriptor;
  referrers: ReferrerNode[];
  /** How the registry listed them: its referrers API, or the tag-schema fallback index. */
  via: 'api' | 'tag-schema';
}

export async function listArtifacts(remote: RemoteRegistry, subject: Reference, opts: ListArtifactsOptions = {}): Promise<ListArtifactsResult> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const descriptor = await resolveDescriptor(remote, subject, signal);
  const cosign = opts.skipCosign || opts.artifactType ? undefined : cosignFinder(remote, subject, opts.signal);
  let via: ListArtifactsResult['via'] = 'api';
  const seen = new Set<string>([descriptor.digest]);

  const childrenOf = async (digest: string, depth: number): Promise<ReferrerNode[]> => {
    const listed = await listReferrers(remote, byDigest(subject, digest), { ...signal, ...(opts.artifactType ? { artifactType: opts.artifactType } : {}) });
    if (listed.via === 'tag-schema') via = 'tag-schema';
    // A registry that ignores the filter says so (OCI-Filters-Applied): filtered here instead.
    const descriptors = opts.artifactType && !listed.filtered ? listed.descriptors.filter((d) => d.artifactType === opts.artifactType) : listed.descriptors;
    const nodes: ReferrerNode[] = descriptors.map((d) => ({ descriptor: d, referrers: [] }));
    for (const found of cosign ? await cosign(digest) : []) nodes.push({ descriptor: found.descriptor, cosign: { kind: found.kind, tag: found.tag }, referrers: [] });
    if (opts.recursive && depth < MAX_REFERRER_DEPTH) {
      for (const node of nodes) {
        // A tag can point anywhere, an ancestor too: each manifest is expanded once.
        if (seen.has(node.descriptor.digest)) continue;
        seen.add(node.descriptor.digest);
        node.referrers = await childrenOf(node.descriptor.digest, depth + 1);
      }
    }
    return nodes;
  };

  const referrers = await childrenOf(descriptor.digest, 1);
  return { subject: descriptor, referrers, via };
}
