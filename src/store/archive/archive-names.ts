// How images in an archive are named: docker's manifest.json RepoTags, or an index.json
// annotation holding a full reference. A bare tag such as skopeo's `v1` names nothing: the image
// loads untagged (<none>, found by ID; `regctl tag ID NAME:TAG` names it). docker differs by
// store: the containerd store (moby LoadImage -> containerd Import, no ref translator) keeps
// `v1` as the image's name and reports it as `v1:latest`, i.e. docker.io/library/v1 -- a
// repository the archive never named; the classic store does not read index.json at all.
import { RegctlError } from '../../errors.js';
import { parseReference } from '../../reference/parse.js';
import { referenceOfImageName } from '../layout/image-names.js';

export interface DockerManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

/** A structurally wrong archive (as opposed to a hostile entry, see entry-names.ts). */
export function invalid(message: string, hint = 'the archive is not a valid image archive; nothing was loaded'): RegctlError {
  return new RegctlError('REGCTL_INVALID_MANIFEST', message, { hint });
}

/** The full name a string gives, if it is an image reference with a repository (not a bare tag): the store's rule. */
export function fullName(value: unknown): string | undefined {
  return typeof value === 'string' ? referenceOfImageName(value)?.toString() : undefined;
}

/**
 * docker's RepoTags (`busybox:latest`, `host:5000/x:1`) as full names. A name with a digest is
 * refused as docker load refuses it (`invalid tag`): it would name the image by a digest that is
 * not the image's own.
 */
export function repoTags(entry: DockerManifestEntry | undefined): string[] {
  const tags = Array.isArray(entry?.RepoTags) ? entry.RepoTags : [];
  return tags.map((t) => {
    let ref;
    try {
      ref = parseReference(String(t));
    } catch {
      throw invalid(`manifest.json in the archive names an invalid reference: ${String(t)}`);
    }
    if (ref.digest) throw invalid(`manifest.json in the archive names an invalid tag ${JSON.stringify(String(t))}: a RepoTags entry cannot carry a digest`);
    return ref.toString();
  });
}

/** An index.json name with a digest must be that image's digest, or it would lie about the image. */
export function checkNamedDigest(name: string, digest: string): void {
  const named = parseReference(name).digest;
  if (named !== undefined && named !== digest) throw invalid(`index.json in the archive names ${name} for an image whose digest is ${digest}`);
}
