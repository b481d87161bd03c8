// Public library API: re-exports only. Nothing here prints or exits.
export { RegctlError, InvalidReferenceError, UsageError, DigestMismatchError, ConfigError, ManifestListError, isRegctlError } from './errors.js';
export type { RegctlErrorCode, RegctlErrorOptions, ManifestListErrorReason } from './errors.js';

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
export { UndiciHttpClient } from './transport/undici-http-client.js';
export { NodeHttpClient } from './transport/node-http-client.js';
export { createHttpClient } from './transport/default-http-client.js';

export { RemoteRegistry } from './store/remote/remote-registry.js';
export type { RemoteOptions } from './store/remote/remote-registry.js';
export { getManifest, headManifest, MANIFEST_LIMIT } from './store/remote/manifest.js';
export type { ManifestResult, ManifestHead } from './store/remote/manifest.js';
export { listTags } from './store/remote/tags.js';
export type { ListTagsOptions } from './store/remote/tags.js';

export { inspectManifest } from './ops/inspect-manifest.js';
export type { InspectedManifest, InspectManifestOptions } from './ops/inspect-manifest.js';

// The client object: every operation with typed options and results (README "Use as a library").
export { RegistryClient, createClient } from './client.js';
export type { RegistryClientOptions, ClientLoginOptions, SignalOptions, BlobInput, RefInput, RepoInput, LocationInput, BearerTokenOptions, ClientMutateOptions } from './client.js';

// Operations, also usable without the client (they take a RemoteRegistry and/or a LayoutStore).
export { pull, DEFAULT_PULL_CONCURRENCY } from './ops/pull.js';
export type { PullOptions, PullResult } from './ops/pull.js';
export { push, DEFAULT_PUSH_CONCURRENCY } from './ops/push.js';
export type { PushOptions, PushResult } from './ops/push.js';
export { login } from './ops/login.js';
export type { LoginOptions, LoginResult, LoginEvent, CredentialRequest, AskedCredentials } from './ops/login.js';
export { logout } from './ops/logout.js';
export type { LogoutResult, LogoutFailure } from './ops/logout.js';
export { search } from './ops/search.js';
export type { SearchOptions, SearchOutcome, SearchResult } from './ops/search.js';
export { manifestDigest } from './ops/manifest-digest.js';
export type { ManifestDigest } from './ops/manifest-digest.js';
export { bearerToken } from './ops/bearer-token.js';
export type { LocalImage } from './ops/local-image.js';
export type { CheckStoreOptions, CheckStoreResult, StoreProblem } from './store/layout/store-check.js';
export type { TagResult } from './ops/tag-image.js';
export type { RemoveImageResult } from './ops/remove-image.js';
export { ManifestListStore, filesafeName } from './config/manifest-list-store.js';
export type { StoredManifest, StoredManifestKind } from './config/manifest-list-entry.js';
export { createManifestList } from './ops/manifest-list/create.js';
export type { CreateManifestListOptions, CreatedManifestList } from './ops/manifest-list/create.js';
export { annotateManifestList } from './ops/manifest-list/annotate.js';
export type { PlatformAnnotations } from './ops/manifest-list/annotate.js';
export { pushManifestList } from './ops/manifest-list/push.js';
export type { PushManifestListOptions, PushedManifestList, PushedManifest } from './ops/manifest-list/push.js';
export { removeManifestLists } from './ops/manifest-list/remove.js';
export { marshalManifestList, dockerListMediaType } from './oci/manifest-list-json.js';
export type { ManifestListEntry, MarshalledManifestList } from './oci/manifest-list-json.js';
export { copy, copyImage, destinationFor } from './ops/copy.js';
export type { CopiedReferrer, CopyOptions, CopyResult, ReferrerEvent } from './ops/copy.js';
export { transfer, planTransfer } from './ops/transfer.js';
// pull, push and copy report progress as the engine's neutral events (docker's words are the CLI's).
export type { TransferEvent, TransferOptions, TransferPlan, TransferResult, BlobState, ProgressListener } from './ops/transfer.js';
export { openSource, openDestination } from './ops/open-location.js';
export type { LocationContext } from './ops/open-location.js';
export { parseLocation, formatLocation } from './reference/location.js';
export type { Location } from './reference/location.js';
// The backend seam: every location is read through an ImageSource and written through an ImageDestination.
export type { ImageSource, ImageDestination, BlobPutResult } from './store/backend.js';
export { remoteSource } from './store/remote/image-source.js';
export { remoteDestination } from './store/remote/image-destination.js';
export { layoutSource } from './store/layout/image-source.js';
export { layoutDestination } from './store/layout/image-destination.js';
export { saveImages, saveImagesToFile } from './ops/save.js';
export type { SaveOptions } from './ops/save.js';
export { exportFilesystem, exportFilesystemToFile } from './ops/export.js';
export type { ExportOptions, ExportResult } from './ops/export.js';
export { catFile } from './ops/cat.js';
export type { CatOptions, CatResult } from './ops/cat.js';
// mutate: a new config and manifest, layers untouched (RegistryClient.mutate; the CLI's flag parsers too).
export { mutate, mutateTarget } from './ops/mutate.js';
export type { MutateOptions, MutateResult, ConfigChanges, CommandForm, KeyChanges } from './ops/mutate.js';
export { editConfig } from './ops/mutate/config-edit.js';
// append: layers from directories or tars on a base, without its layers (RegistryClient.append).
export { append, parseLayerFlag, layerDestination, BASE_NAME_ANNOTATION, BASE_DIGEST_ANNOTATION } from './ops/append.js';
export type { AppendOptions, AppendResult, AppendLayer } from './ops/append.js';
export { packLayer } from './store/files/layer-pack.js';
export type { LayerPackOptions, PackedLayer } from './store/files/layer-pack.js';
export { parseCommandForm, commandArgs } from './ops/mutate/command-form.js';
export { parseKeyChanges, parseExposedPort, parseCreated, parseSourceDateEpoch } from './ops/mutate/flag-values.js';
export { loadArchive } from './ops/load.js';
export type { LoadedImage } from './ops/load.js';
// Artifacts (`regctl artifact`): files as OCI artifacts, oras-compatible on the wire; the files backend.
export { pushArtifact } from './ops/artifact/push.js';
export type { ArtifactFileInput, PushArtifactOptions, PushArtifactResult } from './ops/artifact/push.js';
export { pullArtifact } from './ops/artifact/pull.js';
export type { PullArtifactOptions, PullArtifactResult, PulledFile } from './ops/artifact/pull.js';
export { attachArtifact } from './ops/artifact/attach.js';
export type { AttachArtifactOptions, AttachArtifactResult } from './ops/artifact/attach.js';
export { listArtifacts } from './ops/artifact/list.js';
export type { ListArtifactsOptions, ListArtifactsResult, ReferrerNode } from './ops/artifact/list.js';
export type { CosignKind } from './ops/artifact/cosign-tags.js';
export { openFilesSource } from './store/files/image-source.js';
export type { FilesSource, FilesSourceOptions } from './store/files/image-source.js';
export { openFilesDestination } from './store/files/image-destination.js';
export type { FilesDestination, FilesDestinationOptions } from './store/files/image-destination.js';
export { artifactEntries } from './store/files/artifact-entries.js';
export type { ArtifactEntry, ArtifactEntries } from './store/files/artifact-entries.js';
export type { FileRef } from './store/files/file-ref.js';

// Remote store primitives.
export { putManifest } from './store/remote/manifest.js';
export { openBlob, getBlobBytes } from './store/remote/blob.js';
export type { BlobRequestOptions } from './store/remote/blob.js';
export { pushBlob, blobExists } from './store/remote/upload.js';
export type { BlobSource, PushBlobOptions, PushBlobResult, UploadRetry } from './store/remote/upload.js';
export { listCatalog } from './store/remote/catalog.js';
export { deleteManifest, deleteTag, DELETE_DISABLED_HINT } from './store/remote/delete.js';
export type { TagDeleteResult } from './store/remote/delete.js';
// Referrers (distribution-spec 1.1): the API, else the referrers tag schema's index, kept on push and delete.
export { listReferrers } from './store/remote/referrers.js';
export type { ReferrersOptions, ReferrersResult } from './store/remote/referrers.js';
export { putManifestWithReferrer, addToReferrersIndex, removeFromReferrersIndex } from './store/remote/referrers-index.js';
export { referrersTag, referrerOf } from './oci/referrers.js';
export type { Referrer } from './oci/referrers.js';
export type { PutManifestOptions, PutManifestResult } from './store/remote/manifest.js';
export { deleteImage } from './ops/delete.js';
export type { DeleteOptions, DeleteResult } from './ops/delete.js';
export type { CatalogOptions } from './store/remote/catalog.js';

// Local store (OCI image layout).
export { LayoutStore } from './store/layout/layout-store.js';
export { defaultStorePath } from './store/store-path.js';

// Credentials: config.json, helpers, keyring, chosen as docker does.
export { CredentialResolver } from './config/credentials/select.js';
export type { CredentialResolverOptions, HelperSelection } from './config/credentials/select.js';
export type { AuthConfig, CredentialStore, CredentialStoreKind } from './config/credentials/types.js';
export { configDir } from './config/paths.js';
