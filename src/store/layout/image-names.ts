// How an image's name is recorded on its index.json descriptor. regctl writes the full
// reference into both annotations that the ecosystem reads: the OCI one (skopeo, umoci,
// `skopeo copy oci:STORE:docker.io/library/busybox:latest`) and containerd's (ctr/nerdctl
// import). Other tools write other shapes, so reading is more forgiving than writing:
//  - skopeo (`oci:STORE:v1`) and umoci write only ref.name, often just a tag such as `v1`;
//  - containerd exports write ref.name = `latest` and io.containerd.image.name = the full name.
// A full (canonical) name wins wherever it is; otherwise the raw ref.name is reported as is
// (e.g. `v1`). Such a short name is NOT expanded (docker.io/library/v1:latest would be a lie);
// callers can tell it apart with isCanonicalImageName() and show it as they see fit.
//
// When the two disagree, ref.name wins and the containerd name is ignored as stale. Writers that
// know both (containerd's exporter, docker, regctl) keep them in step: the same full name, or the
// full name and its tag/digest. The only writers of one without the other are OCI-only tools, and
// they write ref.name and copy every other annotation: umoci's UpdateReference sets ref.name on
// the descriptor it was given, so `umoci repack --image STORE:v4` and `umoci tag` leave the source
// entry's io.containerd.image.name behind. So a disagreeing ref.name is the one written last.
// (containerd's importer prefers io.containerd.image.name unconditionally and would be fooled.)
import { RegctlError } from '../../errors.js';
import type { Annotations, Descriptor } from '../../oci/manifest.js';
import { parseReference, type Reference } from '../../reference/parse.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME_ANNOTATION = 'io.containerd.image.name';
/** regctl's own: the digest a pulled reference resolved to (an index for multi-platform images), for RepoDigests. */
export const RESOLVED_DIGEST_ANNOTATION = 'dev.regctl.resolved-digest';

/** True for a name already in docker's full form: `docker.io/library/busybox:latest`, `host:5000/x@sha256:…`. */
export function isCanonicalImageName(name: string): boolean {
  try {
    return parseReference(name).toString() === name;
  } catch {
    return false;
  }
}

/** The name an index.json entry is known by, or undefined for an anonymous entry. */
export function imageNameOf(descriptor: Descriptor): string | undefined {
  const { refName, containerdName } = liveNames(descriptor);
  for (const name of [containerdName, refName]) if (name !== undefined && isCanonicalImageName(name)) return name;
  return refName ?? containerdName;
}

/** Whether the entry answers to `name` under either annotation in force (replace and remove match both; a stale one neither). */
export function hasImageName(descriptor: Descriptor, name: string): boolean {
  const { refName, containerdName } = liveNames(descriptor);
  return refName === name || containerdName === name;
}

/**
 * The reference a stored name stands for: a full name, or a familiar one with a repository
 * (`busybox:1`). A bare word such as `v4` names no repository, so it gives none (the entry is
 * shown untagged, as `load` reads the same annotation) rather than docker.io/library/v4:latest.
 */
export function referenceOfImageName(name: string | undefined): Reference | undefined {
  if (name === undefined || !/[/:@]/.test(name)) return undefined;
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

/** The entry's ref.name and io.containerd.image.name, the latter dropped when stale (see the top). */
function liveNames(descriptor: Descriptor): { refName: string | undefined; containerdName: string | undefined } {
  const annotations = descriptor.annotations ?? {};
  const refName = nonEmpty(annotations[REF_NAME_ANNOTATION]);
  const containerdName = nonEmpty(annotations[CONTAINERD_NAME_ANNOTATION]);
  if (refName === undefined || containerdName === undefined || agree(refName, containerdName)) return { refName, containerdName };
  return { refName, containerdName: undefined };
}

/** Whether ref.name is the containerd name itself or what containerd's exporter derives from it (tag, digest, or both). */
function agree(refName: string, containerdName: string): boolean {
  if (refName === containerdName) return true;
  const at = containerdName.indexOf('@');
  const locator = at === -1 ? containerdName : containerdName.slice(0, at);
  const digest = at === -1 ? undefined : containerdName.slice(at + 1);
  const colon = locator.lastIndexOf(':');
  const tag = colon > locator.lastIndexOf('/') ? locator.slice(colon + 1) : undefined;
  const forms = [tag, digest, digest && `@${digest}`, tag && digest && `${tag}@${digest}`];
  return forms.includes(refName);
}

/** `descriptor` annotated with `name` in both annotations (other annotations kept). */
export function withImageName(descriptor: Descriptor, name: string): Descriptor {
  const annotations: Annotations = {
    ...(descriptor.annotations ?? {}),
    [REF_NAME_ANNOTATION]: name,
    [CONTAINERD_NAME_ANNOTATION]: name,
  };
  return { ...descriptor, annotations };
}

/** Names written by regctl must be full references, or other tools would read a different image. */
export function assertCanonicalImageName(name: string): void {
  if (!isCanonicalImageName(name)) {
    throw new RegctlError('REGCTL_USAGE', `image name "${name}" is not a full reference (expected e.g. docker.io/library/busybox:latest)`);
  }
}

/** A usable annotation value: a non-empty string (an archive's index.json may hold anything). */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
