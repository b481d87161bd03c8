// Public library API: re-exports only. Nothing here prints or exits.
export { RegctlError, InvalidReferenceError, UsageError, DigestMismatchError, ConfigError, isRegctlError } from './errors.js';
export type { RegctlErrorCode, RegctlErrorOptions } from './errors.js';

export { parseReference, parseRepository } from './reference/parse.js';
export type { Reference, Repository } from './reference/parse.js';
export {
  apiHost,
  credentialKey,
  normalizeRegistryHost,
  isLoopbackHost,
  DOCKER_HUB,
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_CREDENTIAL_KEY,
  DOCKER_HUB_SEARCH_HOST,
} from './reference/hosts.js';

export { parseDigest, isDigest, digestOf, shortId, createDigester } from './oci/digest.js';
export * from './oci/media-types.js';
export { parseManifest, parseImageConfig } from './oci/manifest.js';
export type { Descriptor, Platform, ImageManifest, ImageIndex, ImageConfig } from './oci/manifest.js';
export { parsePlatform, formatPlatform, hostPlatform, platformMatches, selectManifest } from './oci/platform.js';

export { RegistryError } from './transport/registry-error.js';
export { parseChallenges } from './transport/challenge.js';
export type { Challenge } from './transport/challenge.js';
export type { Credential } from './transport/token.js';
export type { HttpClient, HttpRequest, HttpResponse } from './transport/http.js';
export { UndiciHttpClient } from './transport/http.js';

export { RemoteRegistry } from './store/remote/remote-registry.js';
export type { RemoteOptions } from './store/remote/remote-registry.js';
export { getManifest, headManifest, MANIFEST_LIMIT } from './store/remote/manifest.js';
export type { ManifestResult, ManifestHead } from './store/remote/manifest.js';
export { listTags } from './store/remote/tags.js';
export type { ListTagsOptions } from './store/remote/tags.js';

export { inspectManifest } from './ops/inspect-manifest.js';
export type { InspectedManifest, InspectManifestOptions } from './ops/inspect-manifest.js';
