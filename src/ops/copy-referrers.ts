// `copy --referrers`: after the image, what refers to it (OCI 1.1 `subject`), recursively, as
// `oras cp -r` copies it: the referrers of the image's manifest and, for an index, of each
// manifest it lists (oras's recursiveCopy points those at the root too), then the referrers of
// each referrer, down to MAX_REFERRER_DEPTH. Each referrer is moved by the one transfer engine
// (transfer.ts) from the source's backend to the destination's by its digest alone (no tag: a
// registry PUT by digest, whose fallback tag-schema index store/remote keeps where the registry
// has no referrers API; an index.json entry without ref.name in an OCI layout), exact bytes, so
// every digest and every `subject` survives. A digest is copied once (visited set). Returns
// data and emits events; never prints.
import { RegctlError } from '../errors.js';
import type { Descriptor } from '../oci/manifest.js';
import type { ImageDestination, ImageSource } from '../store/backend.js';
import { MAX_REFERRER_DEPTH } from './artifact/list.js';
import { transfer, type ProgressListener, type TransferEvent } from './transfer.js';

export interface CopiedReferrer {
  /** The manifest it refers to (its `subject`). */
  subject: string;
  digest: string;
  mediaType: string;
  size: number;
  artifactType?: string;
  /** 1: refers to the image (or a manifest of its index); 2: to such a referrer; and so on. */
  depth: number;
}

export type ReferrerEvent =
  /** Before the referrer's own transfer events. */
  | { type: 'copying'; subject: string; descriptor: Descriptor; depth: number }
  /** Once it is at the destination. */
  | { type: 'copied'; referrer: CopiedReferrer };

export interface CopyReferrersOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Each referrer's transfer events (transfer.ts), between its 'copying' and 'copied'. */
  onProgress?: ProgressListener<TransferEvent>;
  onReferrer?: ProgressListener<ReferrerEvent>;
}

/**
 * Copies the referrers of `subjects` (digests already at the destination) from `src` to `dst`,
 * and theirs, depth first. Both ends must hold referrers (ImageSource.referrers/sourceOf,
 * ImageDestination.referrerDestination).
 */
export async function copyReferrers(src: ImageSource, dst: ImageDestination, subjects: readonly string[], opts: CopyReferrersOptions = {}): Promise<CopiedReferrer[]> {
  const { referrers, sourceOf } = src;
  if (!referrers || !sourceOf) throw new RegctlError('REGCTL_USAGE', `${src.name} holds no referrers`);
  if (!dst.referrerDestination) throw new RegctlError('REGCTL_USAGE', `${dst.name} cannot hold referrers`);
  const visited = new Set(subjects);
  const copied: CopiedReferrer[] = [];
  const walk = async (subject: string, depth: number): Promise<void> => {
    for (const d of await referrers.call(src, subject)) {
      if (visited.has(d.digest)) continue;
      visited.add(d.digest);
      opts.onReferrer?.({ type: 'copying', subject, descriptor: d, depth });
      const from = sourceOf.call(src, d);
      try {
        const to = dst.referrerDestination!(d);
        try {
          const result = await transfer(from, to, {
            expectDigest: d.digest,
            ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
            ...(opts.signal ? { signal: opts.signal } : {}),
            ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
          });
          const referrer: CopiedReferrer = {
            subject,
            digest: result.digest,
            mediaType: result.mediaType,
            size: result.size,
            ...(d.artifactType ? { artifactType: d.artifactType } : {}),
            depth,
          };
          copied.push(referrer);
          opts.onReferrer?.({ type: 'copied', referrer });
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
      if (depth < MAX_REFERRER_DEPTH) await walk(d.digest, depth + 1);
    }
  };
  for (const subject of subjects) await walk(subject, 1);
  return copied;
}
