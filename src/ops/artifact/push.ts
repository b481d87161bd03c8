// `artifact push`: local files to a registry as an OCI artifact, as `oras push` makes it
// (store/files/image-source.ts packs it), on the one transfer engine: each file streamed from
// disk, skipped when the repository has it, verified by the registry on arrival, then the
// manifest under the tag (or by digest alone when the reference has one). With a subject, the
// manifest refers to that manifest of the same repository and is listed among its referrers.
import { UsageError } from '../../errors.js';
import { isDigest } from '../../oci/digest.js';
import type { Annotations, Descriptor, ImageManifest } from '../../oci/manifest.js';
import { parseReference, type Reference } from '../../reference/parse.js';
import type { FileRef } from '../../store/files/file-ref.js';
import { openFilesSource, type FilesSource } from '../../store/files/image-source.js';
import { remoteDestination } from '../../store/remote/image-destination.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { DEFAULT_TRANSFER_CONCURRENCY, planTransfer, transfer, type ProgressListener, type TransferEvent } from '../transfer.js';
import { byDigest, resolveDescriptor } from './resolve-descriptor.js';

/** A file to push: its path, or its path and the layer's media type. */
export type ArtifactFileInput = string | FileRef;

export interface PushArtifactOptions {
  /** Default: oras's application/vnd.unknown.artifact.v1 (none with a config of its own type). */
  artifactType?: string;
  /** Manifest annotations; org.opencontainers.image.created is set to now unless given. */
  annotations?: Annotations;
  /** A config file instead of the empty `{}` one. */
  config?: ArtifactFileInput;
  /**
   * The manifest this artifact refers to (a digest, or a reference in the same repository), or
   * a descriptor already resolved.
   */
  subject?: string | Reference | Descriptor;
  /** The creation time written when `annotations` has none (default: now). */
  created?: Date;
  /** Where directories are packed before they are sent (default: the OS temp directory). */
  tmpDir?: string;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener<TransferEvent>;
  /** The manifest once the files are hashed, before anything is sent (to name blobs in progress lines). */
  onManifest?: (manifest: ImageManifest) => void;
}

export interface PushArtifactResult {
  /** The reference written: REPO:TAG, or REPO@DIGEST when put by digest. */
  ref: string;
  digest: string;
  size: number;
  mediaType: string;
  /** The artifactType written (undefined with a config of its own type: `configMediaType` names it). */
  artifactType: string | undefined;
  configMediaType: string;
  /** The manifest's exact bytes. */
  manifest: Buffer;
  /** One per file, in the order given: title, digest, size, media type. */
  layers: Descriptor[];
  subject: Descriptor | undefined;
  /** Blob bytes the registry received. */
  bytesUploaded: number;
  pushed: number;
  existed: number;
  mounted: number;
}

export function fileRefOf(input: ArtifactFileInput): FileRef {
  return typeof input === 'string' ? { path: input } : input;
}

/** The subject as a descriptor: it must be in the repository the artifact goes to (referrers are listed per repository). */
async function subjectOf(remote: RemoteRegistry, target: Reference, subject: PushArtifactOptions['subject'], signal: AbortSignal | undefined): Promise<Descriptor | undefined> {
  if (subject === undefined) return undefined;
  if (typeof subject === 'object' && 'mediaType' in subject) return subject;
  const ref = typeof subject !== 'string' ? subject : isDigest(subject) ? byDigest(target, subject) : parseReference(subject);
  if (ref.registry !== target.registry || ref.repository !== target.repository) {
    throw new UsageError(`the subject ${ref.familiar()} is not in ${target.familiarName()}: referrers are listed per repository`);
  }
  return resolveDescriptor(remote, ref, signal ? { signal } : {});
}

/** Sends what `source` assembled to `target`; the source is not closed. */
export async function sendArtifact(remote: RemoteRegistry, source: FilesSource, target: Reference, opts: PushArtifactOptions & { subjectDescriptor?: Descriptor }): Promise<PushArtifactResult> {
  const destination = remoteDestination(remote, target);
  const manifest = JSON.parse(source.artifact.bytes.toString('utf8')) as ImageManifest;
  opts.onManifest?.(manifest);
  try {
    const plan = await planTransfer(source, { diffIds: false, layerOrder: 'base-first' });
    const result = await transfer(source, destination, {
      plan,
      concurrency: opts.concurrency ?? DEFAULT_TRANSFER_CONCURRENCY,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(target.digest ? { expectDigest: target.digest } : {}),
    });
    return {
      ref: target.digest ? `${target.name()}@${target.digest}` : target.toString(),
      digest: result.digest,
      size: result.size,
      mediaType: result.mediaType,
      artifactType: manifest.artifactType,
      configMediaType: manifest.config.mediaType,
      manifest: source.artifact.bytes,
      layers: [...source.layers],
      subject: opts.subjectDescriptor,
      bytesUploaded: result.bytesTransferred,
      pushed: result.written,
      existed: result.existed,
      mounted: result.mounted,
    };
  } finally {
    await destination.close();
  }
}

/** Files to `ref` (docker's rule: no tag is `latest`); a digest in `ref` must be the artifact's. */
export async function pushArtifact(remote: RemoteRegistry, ref: Reference, files: readonly ArtifactFileInput[], opts: PushArtifactOptions = {}): Promise<PushArtifactResult> {
  const subject = await subjectOf(remote, ref, opts.subject, opts.signal);
  const source = await openFilesSource(files.map(fileRefOf), {
    ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
    ...(opts.config !== undefined ? { config: fileRefOf(opts.config) } : {}),
    ...(subject ? { subject } : {}),
    ...(opts.created ? { created: opts.created } : {}),
    ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    return await sendArtifact(remote, source, ref, { ...opts, ...(subject ? { subjectDescriptor: subject } : {}) });
  } finally {
    await source.close();
  }
}

