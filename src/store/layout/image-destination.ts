// An OCI layout (the regctl store or a user's oci:DIR) as a transfer destination. Blobs are
// written resumably and verified before they become visible (resumable-write.ts), manifests
// too; the index.json entry is written last, on commit(), in one atomic update, so a failed
// transfer never leaves an entry. In a user's directory a failed transfer also takes back the
// blobs it added (and the directory, if it made it): nothing of it is left there.
import { promises as fs } from 'node:fs';
import { RegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import type { BlobPutResult, ImageDestination, ManifestResult, PutBlobOptions, PutManifestsOptions } from '../backend.js';
import type { LayoutStore } from './layout-store.js';
import { writeBlobResumably } from './resumable-write.js';

/** How the image is named in index.json. */
export type LayoutEntryName =
  /** The regctl store: a full reference, in both name annotations (layout-store putImage). */
  | { store: string }
  /** A user's layout: skopeo's ref.name (any string), or no name. */
  | { refName: string | undefined }
  /**
   * Indexed by the caller with other images in one update (load): commit() hands over the top
   * manifest's descriptor; close() leaves the store open, since its pins keep the blobs from a
   * concurrent gc until that update.
   */
  | { record: (top: Descriptor) => void }
  /**
   * A referrer in a user's layout, as oras writes one: an index.json entry without ref.name,
   * carrying the referrer descriptor's artifactType and annotations. close() leaves the store
   * open: it belongs to the destination of the image the referrer refers to.
   */
  | { referrer: Descriptor };

export interface LayoutDestinationOptions {
  /** The directory did not exist before: close() without commit() removes it again. */
  createdDirectory?: boolean;
  /** Take back the blobs this destination added when it is closed without a commit (user directories). */
  removeUncommitted?: boolean;
}

export function layoutDestination(store: LayoutStore, entry: LayoutEntryName, name: string, opts: LayoutDestinationOptions = {}): ImageDestination {
  const added = new Set<string>();
  let top: ManifestResult | undefined;
  let committed = false;
  let closed = false;
  return {
    name,
    async presentBlobs(blobs) {
      const sizes = await store.hasBlobs(blobs.map((d) => d.digest));
      return new Set(blobs.filter((d, i) => sizes[i] === d.size).map((d) => d.digest));
    },
    // The engine asks presentBlobs first; a blob that appeared since is still skipped by the writer.
    async putBlob(d, source, o: PutBlobOptions = {}): Promise<BlobPutResult> {
      const bytes = await writeBlobResumably(store, source, d, {
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onBytes ? { onBytes: o.onBytes } : {}),
        ...(o.onRetry ? { onRetry: (r) => o.onRetry?.({ offset: r.offset, delayMs: r.delayMs, reason: r.reason }) } : {}),
      });
      added.add(d.digest);
      return { kind: 'written', bytes };
    },
    async putManifests(manifests, o: PutManifestsOptions = {}): Promise<ManifestResult> {
      for (const m of manifests) {
        const { skipped } = await store.writeBlobBytes(m.digest, m.bytes);
        if (!skipped) added.add(m.digest);
        o.onManifest?.(m, `${name}@${m.digest}`);
      }
      top = manifests[manifests.length - 1];
      if (!top) throw new RegctlError('REGCTL_INTERNAL', `${name}: no manifest to write`);
      return top;
    },
    async commit(): Promise<void> {
      if (!top) throw new RegctlError('REGCTL_INTERNAL', `${name}: commit before the manifests`);
      const descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.size };
      if ('store' in entry) await store.putImage(entry.store, descriptor);
      else if ('record' in entry) entry.record(descriptor);
      else if ('referrer' in entry) await store.putRefName(undefined, { ...descriptor, ...referrerFields(entry.referrer) });
      else await store.putRefName(entry.refName, descriptor);
      committed = true;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        if (!committed && opts.createdDirectory) await fs.rm(store.dir, { recursive: true, force: true });
        else if (!committed && opts.removeUncommitted) for (const digest of added) await store.removeBlob(digest);
      } finally {
        if (!('record' in entry) && !('referrer' in entry)) await store.close();
      }
    },
  };
}

/** What a referrer's index.json entry keeps of its listed descriptor, beyond digest, size and media type. */
function referrerFields(d: Descriptor): Pick<Descriptor, 'artifactType' | 'annotations'> {
  return { ...(d.artifactType ? { artifactType: d.artifactType } : {}), ...(d.annotations ? { annotations: d.annotations } : {}) };
}
