// `artifact pull`: an artifact's files from a registry into a directory, as `oras pull` writes
// them (store/files/artifact-entries.ts decides which layers are files and where), on the one
// transfer engine: only the titled layers are fetched, each verified before it is renamed into
// place, all placed at the end. A manifest with no titled layer (a container image, an index) is
// refused with what to do instead; so is a title that would be written outside the directory,
// before anything is fetched.
import path from 'node:path';
import { RegctlError } from '../../errors.js';
import { shortId } from '../../oci/digest.js';
import { parseManifest, type Descriptor, type ImageManifest } from '../../oci/manifest.js';
import type { Reference } from '../../reference/parse.js';
import { artifactEntries } from '../../store/files/artifact-entries.js';
import { openFilesDestination } from '../../store/files/image-destination.js';
import { remoteSource } from '../../store/remote/image-source.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { DEFAULT_TRANSFER_CONCURRENCY, transfer, type ProgressListener, type TransferEvent, type TransferPlan } from '../transfer.js';

export interface PullArtifactOptions {
  /** Output directory (default: the current directory); created when missing. */
  output?: string;
  /** Replace files that are already there (default: refuse, writing nothing). */
  overwrite?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener<TransferEvent>;
  /** The manifest once it is read, before any file is fetched (to name blobs in progress lines). */
  onManifest?: (manifest: ImageManifest) => void;
}

export interface PulledFile {
  /** The layer's org.opencontainers.image.title. */
  title: string;
  /** Where it was written. */
  path: string;
  digest: string;
  size: number;
  mediaType: string;
  /** An oras directory layer, unpacked. */
  directory: boolean;
}

export interface PullArtifactResult {
  ref: string;
  /** The manifest's digest. */
  digest: string;
  artifactType: string | undefined;
  files: PulledFile[];
  /** Layers without a title, not written (as oras skips them). */
  skipped: Descriptor[];
  bytesDownloaded: number;
}

function noFiles(ref: Reference, why: string): RegctlError {
  return new RegctlError('REGCTL_UNSUPPORTED', `${ref.familiar()} has no files to pull: ${why}`, {
    hint: `copy it whole instead: regctl copy ${ref.familiar()} oci:DIR`,
  });
}

export async function pullArtifact(remote: RemoteRegistry, ref: Reference, opts: PullArtifactOptions = {}): Promise<PullArtifactResult> {
  const output = path.resolve(opts.output ?? '.');
  const source = remoteSource(remote, ref, opts.signal);
  try {
    const top = await source.manifest();
    const parsed = parseManifest(top.bytes, top.mediaType);
    if (parsed.kind === 'index') throw noFiles(ref, 'it is an index; pull one of its manifests by digest');
    const { entries, skipped } = artifactEntries(parsed.manifest.layers, output);
    if (entries.length === 0) throw noFiles(ref, 'none of its layers has a file name (org.opencontainers.image.title)');
    opts.onManifest?.(parsed.manifest);
    const destination = await openFilesDestination(output, entries, { overwrite: !!opts.overwrite });
    try {
      // Only the files are fetched: the config and untitled layers are not written anywhere.
      const blobs = entries.map((e) => e.descriptor).filter((d, i, all) => all.findIndex((x) => x.digest === d.digest) === i);
      const plan: TransferPlan = { resolved: top, manifests: [top], blobs, layerIds: new Map(blobs.map((d) => [d.digest, shortId(d.digest)])) };
      const result = await transfer(source, destination, {
        plan,
        concurrency: opts.concurrency ?? DEFAULT_TRANSFER_CONCURRENCY,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      return {
        ref: ref.toString(),
        digest: result.digest,
        artifactType: parsed.manifest.artifactType,
        files: entries.map((e) => ({
          title: e.title,
          path: path.join(output, e.rel),
          digest: e.descriptor.digest,
          size: e.descriptor.size,
          mediaType: e.descriptor.mediaType,
          directory: e.unpack,
        })),
        skipped,
        bytesDownloaded: result.bytesTransferred,
      };
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}
