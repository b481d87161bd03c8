// `manifest annotate [--os] [--arch] [--variant] [--os-version] [--os-features] LIST MANIFEST`
// (docker/cli cli/command/manifest/annotate.go): changes the platform of one local entry. Empty
// values leave a field alone; os features are added once each; the os/arch pair the entry ends
// up with must be one docker knows (the message names the flags given, as docker's does).
import { ManifestListError, isRegctlError } from '../../errors.js';
import type { StoredManifest } from '../../config/manifest-list-entry.js';
import type { ManifestListStore } from '../../config/manifest-list-store.js';
import { isDockerValidOsArch } from '../../oci/docker-os-arch.js';
import type { Platform } from '../../oci/manifest.js';
import { parseNamed } from './parse-names.js';

export interface PlatformAnnotations {
  os?: string;
  arch?: string;
  variant?: string;
  osVersion?: string;
  osFeatures?: readonly string[];
}

function annotated(platform: Platform | undefined, a: PlatformAnnotations): Platform {
  const features = [...(platform?.['os.features'] ?? [])];
  for (const f of a.osFeatures ?? []) if (!features.includes(f)) features.push(f);
  const next: Platform = {
    architecture: a.arch || platform?.architecture || '',
    os: a.os || platform?.os || '',
  };
  const osVersion = a.osVersion || platform?.['os.version'];
  const variant = a.variant || platform?.variant;
  return {
    ...next,
    ...(osVersion ? { 'os.version': osVersion } : {}),
    ...(features.length > 0 ? { 'os.features': features } : {}),
    ...(variant ? { variant } : {}),
  };
}

export async function annotateManifestList(
  store: ManifestListStore,
  listInput: string,
  manifestInput: string,
  annotations: PlatformAnnotations,
): Promise<StoredManifest> {
  const list = parseNamed(listInput, `annotate: error parsing name for manifest list ${listInput}`);
  const ref = parseNamed(manifestInput, `annotate: error parsing name for manifest ${manifestInput}`);
  const entry = await store.get(list, ref).catch((err: unknown) => {
    if (isRegctlError(err) && err.code === 'REGCTL_NOT_FOUND') {
      throw new ManifestListError('REGCTL_NOT_FOUND', 'not-in-list', `manifest for image ${manifestInput} does not exist in ${listInput}`, { cause: err });
    }
    throw err;
  });
  const platform = annotated(entry.descriptor.platform, annotations);
  if (!isDockerValidOsArch(platform.os, platform.architecture)) {
    throw new ManifestListError(
      'REGCTL_USAGE',
      'invalid-platform',
      `manifest entry for image has unsupported os/arch combination: ${annotations.os ?? ''}/${annotations.arch ?? ''}`,
    );
  }
  const updated: StoredManifest = { ...entry, descriptor: { ...entry.descriptor, platform } };
  await store.save(list, ref, updated);
  return updated;
}
