// How an image's name is recorded on its index.json descriptor. regctl writes the full
// reference into both annotations that the ecosystem reads: the OCI one (skopeo, umoci,
// `skopeo copy oci:STORE:docker.io/library/busybox:latest`) and containerd's (ctr/nerdctl
// import). Other tools write other shapes, so reading is more forgiving than writing:
//  - skopeo (`oci:STORE:v1`) and umoci write only ref.name, often just a tag such as `v1`;
//  - containerd exports write ref.name = `latest` and io.containerd.image.name = the full name.
// A full (canonical) name wins wherever it is; otherwise the raw ref.name is reported as is
// (e.g. `v1`). Such a short name is NOT expanded (docker.io/library/v1:latest would be a lie);
// callers can tell it apart with isCanonicalImageName() and show it as they see fit.
import { RegctlError } from '../../errors.js';
import type { Annotations, Descriptor } from '../../oci/manifest.js';
import { parseReference } from '../../reference/parse.js';

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
  const annotations = descriptor.annotations ?? {};
  const refName = nonEmpty(annotations[REF_NAME_ANNOTATION]);
  const containerdName = nonEmpty(annotations[CONTAINERD_NAME_ANNOTATION]);
  for (const name of [containerdName, refName]) if (name !== undefined && isCanonicalImageName(name)) return name;
  return refName ?? containerdName;
}

/** Whether the entry answers to `name` under either annotation (replace and remove match both). */
export function hasImageName(descriptor: Descriptor, name: string): boolean {
  const annotations = descriptor.annotations ?? {};
  return annotations[REF_NAME_ANNOTATION] === name || annotations[CONTAINERD_NAME_ANNOTATION] === name;
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

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
