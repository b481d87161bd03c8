// The one backend seam: every place an image can live (a registry, the local store, a user's
// OCI layout directory, an oci-archive or docker-archive tar) is read through an ImageSource
// and written through an ImageDestination, so every transfer (pull, push, copy, save, load) is
// "read from one, write to another" on one engine (ops/transfer.ts), as go-containerregistry's
// v1.Image and regclient's scheme.API do it. Each backend keeps the two halves in files of the
// same names: store/remote/, store/layout/ and store/archive/ each have image-source.ts and
// image-destination.ts.
import type { Descriptor } from '../oci/manifest.js';

export interface ManifestResult {
  /** The exact bytes (their digest is the manifest's identity). */
  bytes: Buffer;
  mediaType: string;
  digest: string;
  size: number;
}

/** Where a transfer reads one blob from: byte ranges, each a fresh stream. */
export interface BlobSource {
  digest: string;
  size: number;
  /** Bytes from `start` (inclusive) to `end` (exclusive), as a fresh stream on every call. */
  read(start: number, end: number): AsyncIterable<Uint8Array>;
  /** Where the bytes come from, for error messages (default: the local store). */
  origin?: string;
  /**
   * Optional: the bytes from `start`, or from 0 when the source cannot seek (a registry that
   * ignores Range); `start` in the result says which. The request has been answered when it
   * resolves, so a refused offset (416) rejects here. A resumable writer then restarts the
   * blob instead of reading and dropping the prefix.
   */
  open?(start: number, end: number): Promise<{ start: number; body: AsyncIterable<Uint8Array> }>;
}

export interface ImageSource {
  /** The location as the user wrote it, for messages. */
  readonly name: string;
  /** The located image's top manifest (no digest), or one it references by digest, with its exact bytes. */
  manifest(digest?: string): Promise<ManifestResult>;
  /** A small blob whole (an image config), verified. */
  blobBytes(digest: string, limit: number): Promise<Buffer>;
  blob(d: Descriptor): BlobSource;
  /** Releases what the source holds (an unpacked archive's temporary files). */
  close(): Promise<void>;
  /**
   * Optional, for backends that hold OCI 1.1 referrers (a registry, an OCI layout): the
   * manifests whose `subject` is `digest`, as referrer descriptors (artifactType, annotations).
   */
  referrers?(digest: string): Promise<Descriptor[]>;
  /**
   * Optional, with referrers: manifest `d` of the same place as a source of its own (a referrer
   * found by referrers()); closing it leaves this source open.
   */
  sourceOf?(d: Descriptor): ImageSource;
}

export type BlobPutResult = { kind: 'exists' } | { kind: 'mounted'; from: string } | { kind: 'written'; bytes: number };

export interface BlobRetry {
  /** Where the transfer continues. */
  offset: number;
  delayMs: number;
  reason: string;
}

export interface PutBlobOptions {
  signal?: AbortSignal;
  /** Bytes of the blob the destination holds so far. */
  onBytes?: (current: number) => void;
  onRetry?: (info: BlobRetry) => void;
}

export interface PutManifestsOptions {
  signal?: AbortSignal;
  /** After each manifest is written; `name` is how the destination now knows it. */
  onManifest?: (m: ManifestResult, name: string) => void;
}

export interface ImageDestination {
  /** The location as the user wrote it, for messages. */
  readonly name: string;
  /**
   * Optional: which of `blobs` the destination already holds, asked once for the whole plan (a
   * local layout answers from one batch of stats and pins them); putBlob then skips those.
   */
  presentBlobs?(blobs: readonly Descriptor[]): Promise<ReadonlySet<string>>;
  /** Writes the blob unless the destination has it (or can mount it); verified before it is visible. */
  putBlob(d: Descriptor, source: BlobSource, opts?: PutBlobOptions): Promise<BlobPutResult>;
  /** Writes every manifest, children first; the last one is the image the location names. */
  putManifests(manifests: readonly ManifestResult[], opts?: PutManifestsOptions): Promise<ManifestResult>;
  /** Makes the image visible at the location (index entry, archive renamed into place). */
  commit(): Promise<void>;
  /** Ends the destination; what was not committed is removed. Safe to call twice. */
  close(): Promise<void>;
  /**
   * Optional, for backends that hold OCI 1.1 referrers: a destination at the same place that
   * writes the referrer `d` by its digest alone, with no tag or name (a registry: PUT by digest;
   * an OCI layout: an index.json entry without ref.name, as oras writes it). Closing it leaves
   * this destination open.
   */
  referrerDestination?(d: Descriptor): ImageDestination;
}
