// A registry repository as a transfer destination: each blob skipped when the repository has
// it (HEAD), mounted from another repository of the same registry when one is known to hold it,
// else uploaded from the source (upload.ts); then the manifests by digest, children first (a
// registry refuses an index naming manifests it lacks), the last one under the tag. The PUT of
// the top manifest is the commit: there is nothing to take back before it. A manifest with a
// `subject` is also recorded in the subject's referrers tag-schema index when the registry does
// not index it itself (referrers-index.ts).
import type { Descriptor } from '../../oci/manifest.js';
import type { Reference } from '../../reference/parse.js';
import type { BlobPutResult, ImageDestination, ManifestResult, PutBlobOptions, PutManifestsOptions } from '../backend.js';
import { byDigest } from './image-source.js';
import { putManifestWithReferrer } from './referrers-index.js';
import type { RemoteRegistry } from './remote-registry.js';
import { pushBlob } from './upload.js';

export interface RemoteDestinationOptions {
  /** Repositories of this registry believed to hold a blob, best first. */
  mountFrom?: (d: Descriptor) => Promise<readonly string[]> | readonly string[];
  /** PATCH chunks of this many bytes instead of one PUT per blob. */
  chunkSize?: number;
}

export function remoteDestination(remote: RemoteRegistry, ref: Reference, opts: RemoteDestinationOptions = {}): ImageDestination {
  // A referrer goes into the same repository by its digest alone (put as oras attach puts it).
  const referrerDestination = (d: Descriptor) => remoteDestination(remote, byDigest(ref, d.digest), opts);
  // A mount source refused once (typically: no pull on it) is refused for every blob; ask once.
  const refused = new Set<string>();
  return {
    name: ref.toString(),
    async putBlob(d, source, o: PutBlobOptions = {}): Promise<BlobPutResult> {
      const candidates = opts.mountFrom ? await opts.mountFrom(d) : [];
      const result = await pushBlob(remote, ref, source, {
        ...(o.signal ? { signal: o.signal } : {}),
        ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
        mountFrom: candidates.filter((from) => !refused.has(from)),
        onMountRefused: (from) => refused.add(from),
        ...(o.onBytes ? { onBytes: o.onBytes } : {}),
        ...(o.onRetry ? { onRetry: (r) => o.onRetry?.({ offset: r.offset, delayMs: r.delayMs, reason: r.reason }) } : {}),
      });
      return result.kind === 'uploaded' ? { kind: 'written', bytes: result.bytesSent } : result;
    },
    async putManifests(manifests, o: PutManifestsOptions = {}): Promise<ManifestResult> {
      const signal = o.signal ? { signal: o.signal } : {};
      let last: ManifestResult | undefined;
      for (const [i, m] of manifests.entries()) {
        const isTop = i === manifests.length - 1;
        const target = isTop ? ref : ref.withDigest(m.digest);
        const put = await putManifestWithReferrer(remote, target, m.bytes, m.mediaType, signal);
        last = { ...m, digest: put.digest, size: put.size };
        o.onManifest?.(last, isTop ? ref.toString() : `${ref.name()}@${put.digest}`);
      }
      return last!;
    },
    commit: async () => undefined,
    close: async () => undefined,
    referrerDestination,
  };
}
