// The platform docker gives a list entry: its image config unmarshalled into an OCI platform
// (docker/cli cli/registry/client/fetcher.go, pullManifestSchemaV2/pullManifestOCISchema). Go
// matches JSON keys to the fields case-insensitively and a later key overrides an earlier one;
// only architecture, os, os.version, os.features and variant are taken.
import type { Platform } from '../../oci/manifest.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function platformFromConfig(configBytes: Uint8Array): Platform {
  const config = JSON.parse(Buffer.from(configBytes).toString('utf8')) as unknown;
  const platform: Mutable<Platform> = { architecture: '', os: '' };
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return platform;
  for (const [key, value] of Object.entries(config)) {
    const field = key.toLowerCase();
    if (field === 'architecture' && typeof value === 'string') platform.architecture = value;
    else if (field === 'os' && typeof value === 'string') platform.os = value;
    else if (field === 'os.version' && typeof value === 'string') platform['os.version'] = value;
    else if (field === 'variant' && typeof value === 'string') platform.variant = value;
    else if (field === 'os.features' && Array.isArray(value) && value.every((f) => typeof f === 'string')) platform['os.features'] = value;
  }
  return platform;
}
