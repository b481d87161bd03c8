// Every path inside a store directory. The OCI part (oci-layout, index.json, blobs/) is what
// other tools read; everything regctl needs for itself (staging, locks, pins, sources) lives
// under `.regctl/`, which the image-layout spec allows and other tools ignore.
import path from 'node:path';
import { isDigest, parseDigest } from '../../oci/digest.js';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const BLOBS_DIR = 'blobs';
export const PRIVATE_DIR = '.regctl';
export const IMAGE_LAYOUT_VERSION = '1.0.0';
export const PARTIAL_SUFFIX = '.partial';
export const CLAIM_SUFFIX = '.claim';
export const TEMP_SUFFIX = '.tmp';

export class LayoutPaths {
  readonly ociLayout: string;
  readonly index: string;
  readonly blobs: string;
  readonly private: string;
  /** Blobs being downloaded; never under blobs/, so no tool ever sees half a blob. */
  readonly staging: string;
  /** One file per live store instance listing the blobs it is about to reference (see gc.ts). */
  readonly pins: string;
  /** Where GC parks candidates before deciding (see gc.ts). */
  readonly trash: string;
  readonly locks: string;
  readonly indexLock: string;
  readonly sources: string;
  readonly sourcesLock: string;

  /**
   * `privateDir` moves regctl's bookkeeping elsewhere (a user's oci:DIR gets a per-process
   * directory that is removed afterwards), and `indexLock` the index lock with it (outside
   * the directory, so that writers of one user directory still exclude each other).
   */
  constructor(
    readonly dir: string,
    placement: { privateDir?: string; indexLock?: string } = {},
  ) {
    this.ociLayout = path.join(dir, OCI_LAYOUT_FILE);
    this.index = path.join(dir, INDEX_FILE);
    this.blobs = path.join(dir, BLOBS_DIR);
    this.private = placement.privateDir ?? path.join(dir, PRIVATE_DIR);
    this.staging = path.join(this.private, 'staging');
    this.pins = path.join(this.private, 'pins');
    this.trash = path.join(this.private, 'trash');
    this.locks = path.join(this.private, 'locks');
    this.indexLock = placement.indexLock ?? path.join(this.locks, 'index.lock');
    this.sources = path.join(this.private, 'sources.json');
    this.sourcesLock = path.join(this.locks, 'sources.lock');
  }

  /** `blobs/<alg>/<hex>`; the digest is validated first, so it can never escape the store. */
  blob(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return path.join(this.blobs, algorithm, hex);
  }

  /** `.regctl/staging/<alg>-<hex>.partial`: the resumable download of `digest`. */
  partial(digest: string): string {
    return path.join(this.staging, `${stagingStem(digest)}${PARTIAL_SUFFIX}`);
  }

  /** Lock file naming the process that owns the partial. */
  claim(digest: string): string {
    return path.join(this.staging, `${stagingStem(digest)}${CLAIM_SUFFIX}`);
  }
}

export function stagingStem(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/** `sha256-<hex>.partial` -> `sha256:<hex>`, or undefined for any other name. */
export function digestOfStagingName(name: string): string | undefined {
  const match = /^([a-z0-9]+)-([a-f0-9]+)(?:\.|$)/.exec(name);
  const digest = match ? `${match[1]}:${match[2]}` : undefined;
  return isDigest(digest) ? digest : undefined;
}
