// The library's front door: one object on a Session (session.ts, the CLI's composition root too),
// offering every operation with typed options and results. It only delegates to the ops and
// stores (the CLI uses those same functions); nothing here prints or exits, and every network
// operation takes an AbortSignal.
import type { CredentialResolver } from './config/credentials/select.js';
import type { AuthConfig } from './config/credentials/types.js';
import { UsageError } from './errors.js';
import {
  blobSource,
  reference,
  repo,
  signalOf,
  type BlobInput,
  type ClientLoginOptions,
  type RefInput,
  type RegistryClientOptions,
  type RepoInput,
  type SignalOptions,
} from './client-options.js';
import { login as loginOp, type LoginResult } from './ops/login.js';
import { logout as logoutOp, type LogoutResult } from './ops/logout.js';
import { pull as pullOp, type PullOptions, type PullResult } from './ops/pull.js';
import { push as pushOp, type PushOptions, type PushResult } from './ops/push.js';
import { search as searchOp, type SearchOptions, type SearchOutcome } from './ops/search.js';
import { listLocalImages, type LocalImage } from './ops/local-image.js';
import { tagImage as tagImageOp, type TagResult } from './ops/tag-image.js';
import { removeImage as removeImageOp, type RemoveImageResult } from './ops/remove-image.js';
import { parseReference, parseRepository, type Reference, type Repository } from './reference/parse.js';
import { parseSearchTerm } from './reference/search-term.js';
import type { CheckStoreOptions, CheckStoreResult, LayoutStore } from './store/layout/layout-store.js';
import { getBlobBytes, openBlob } from './store/remote/blob.js';
import { listCatalog, type CatalogOptions } from './store/remote/catalog.js';
import { getManifest, headManifest, type ManifestHead, type ManifestResult } from './store/remote/manifest.js';
import { RemoteRegistry, type RemoteOptions } from './store/remote/remote-registry.js';
import { deleteManifest as deleteManifestOp, deleteTag as deleteTagOp, resolveDigest, type TagDeleteResult } from './store/remote/delete.js';
import { listReferrers, type ReferrersOptions, type ReferrersResult } from './store/remote/referrers.js';
import { putManifestWithReferrer } from './store/remote/referrers-index.js';
import { listTags, type ListTagsOptions } from './store/remote/tags.js';
import { blobExists, pushBlob, type PushBlobOptions, type PushBlobResult } from './store/remote/upload.js';
import { startUpload } from './store/remote/upload-session.js';
import { bearerToken, type BearerTokenOptions } from './ops/bearer-token.js';
import { copy as copyOp, type CopyOptions, type CopyResult } from './ops/copy.js';
import { pushArtifact as pushArtifactOp, type ArtifactFileInput, type PushArtifactOptions, type PushArtifactResult } from './ops/artifact/push.js';
import { pullArtifact as pullArtifactOp, type PullArtifactOptions, type PullArtifactResult } from './ops/artifact/pull.js';
import { attachArtifact as attachArtifactOp, type AttachArtifactOptions, type AttachArtifactResult } from './ops/artifact/attach.js';
import { listArtifacts as listArtifactsOp, type ListArtifactsOptions, type ListArtifactsResult } from './ops/artifact/list.js';
import { parseLocation, type Location } from './reference/location.js';
import { saveImages, saveImagesToFile, type SaveOptions } from './ops/save.js';
import { mutate as mutateOp, type MutateOptions, type MutateResult } from './ops/mutate.js';
import { append as appendOp, type AppendOptions, type AppendResult } from './ops/append.js';
import { exportFilesystem as exportFilesystemOp, exportFilesystemToFile as exportFilesystemToFileOp, type ExportOptions, type ExportResult } from './ops/export.js';
import type { LocationContext } from './ops/open-location.js';
import { catFile as catFileOp, type CatOptions, type CatResult } from './ops/cat.js';
import { loadArchive, type LoadedImage } from './ops/load.js';
import { Session, type RegistrySettings } from './session.js';
import { configDir as dockerConfigDir } from './config/paths.js';
import { ManifestListStore } from './config/manifest-list-store.js';
import type { StoredManifest } from './config/manifest-list-entry.js';
import { createManifestList, type CreateManifestListOptions, type CreatedManifestList } from './ops/manifest-list/create.js';
import { annotateManifestList, type PlatformAnnotations } from './ops/manifest-list/annotate.js';
import { pushManifestList, type PushManifestListOptions, type PushedManifestList } from './ops/manifest-list/push.js';
import { removeManifestLists } from './ops/manifest-list/remove.js';
import type { Readable, Writable } from 'node:stream';

export type { BearerTokenOptions };
export type { BlobInput, ClientLoginOptions, RefInput, RegistryClientOptions, RepoInput, SignalOptions } from './client-options.js';

/**
 * Every method returning a Promise reports failures (a bad reference too) by rejecting with a RegctlError.
 * The machine's setup comes from the same session as the CLI's (session.ts): config.json and its
 * helpers, daemon.json and registries.json (insecure registries, mirrors), certs.d, the store.
 */
export class RegistryClient {
  readonly options: RegistryClientOptions;
  readonly #session: Session;
  /** The caller's transport options that are not machine settings (http, userAgent, debug, onRetry, attempts). */
  readonly #transport: Omit<RemoteOptions, 'credentials' | keyof RegistrySettings>;
  #remote: RemoteRegistry | undefined;

  constructor(options: RegistryClientOptions = {}) {
    this.options = options;
    const { configDir, storeDir, onWarning, resolver, credentials, env, insecureRegistries, mirrors, certsDirs, timeoutMs, ...transport } = options;
    this.#transport = transport;
    this.#session = new Session({ configDir, env, storeDir, insecureRegistries, mirrors, certsDirs, credentials, resolver, onWarning, timeoutMs });
  }

  /**
   * The registry side, built on first use (a client used only for local images never reads
   * daemon.json). Throws ConfigError when daemon.json or registries.json exists but is unusable;
   * the methods below reject with it.
   */
  get remote(): RemoteRegistry {
    this.#remote ??= new RemoteRegistry(this.#remoteOptions());
    return this.#remote;
  }

  #remoteOptions(): RemoteOptions {
    const credentials = this.#session.credentialSource();
    return { ...this.#transport, ...this.#session.registrySettings(), ...(credentials ? { credentials } : {}) };
  }

  /** docker's reference rules: `busybox` is docker.io/library/busybox:latest. Throws InvalidReferenceError. */
  static parseReference(input: string): Reference {
    return parseReference(input);
  }

  static parseRepository(input: string): Repository {
    return parseRepository(input);
  }

  /** config.json, its credential helpers and the keyring, exactly as docker chooses between them. */
  credentialResolver(): Promise<CredentialResolver> {
    return this.#session.credentialResolver();
  }

  /** Stored credentials for a registry (`docker.io`, `host:5000`), or undefined for anonymous. */
  async resolveCredentials(registry: string): Promise<AuthConfig | undefined> {
    return (await this.credentialResolver()).resolve(registry);
  }

  /** Verifies the credentials against the registry, then saves them where docker would. */
  async login(registry: string, opts: ClientLoginOptions): Promise<LoginResult> {
    // login checks with its own short-lived connection; a caller's injected HTTP client stays open.
    const { credentials: _credentials, http: _http, ...remote } = this.#remoteOptions();
    return loginOp({
      registry,
      resolver: await this.credentialResolver(),
      username: opts.username,
      password: opts.password,
      ask: () => Promise.reject(new UsageError('login needs a username and a password')),
      remote,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async logout(registry: string): Promise<LogoutResult> {
    return logoutOp(await this.credentialResolver(), registry);
  }

  /** A bearer token for one repository (pull, or pull and push), for calling the registry API yourself. */
  async bearerToken(repository: RepoInput, opts: BearerTokenOptions = {}): Promise<string> {
    return bearerToken(this.#remoteOptions(), repo(repository), opts);
  }

  async getManifest(ref: RefInput, opts: SignalOptions & { accept?: readonly string[] } = {}): Promise<ManifestResult> {
    return getManifest(this.remote, reference(ref), opts);
  }

  async headManifest(ref: RefInput, opts: SignalOptions & { accept?: readonly string[] } = {}): Promise<ManifestHead> {
    return headManifest(this.remote, reference(ref), opts);
  }

  /**
   * PUT with the exact bytes; the result's digest is the digest of those bytes. A manifest with a
   * `subject` is also listed in the subject's referrers tag-schema index when the registry does
   * not index it (no OCI-Subject in its answer), as oras and regclient do.
   */
  async putManifest(ref: RefInput, bytes: Uint8Array, mediaType: string, opts: SignalOptions = {}): Promise<{ digest: string; size: number }> {
    const { digest, size } = await putManifestWithReferrer(this.remote, reference(ref), Buffer.from(bytes), mediaType, opts);
    return { digest, size };
  }

  /**
   * What refers to `subject` (a tag is resolved to its digest first): the registry's referrers
   * API, else the referrers tag schema's index; `artifactType` keeps only that type.
   */
  async referrers(subject: RefInput, opts: ReferrersOptions = {}): Promise<ReferrersResult> {
    const ref = reference(subject);
    const signal = signalOf(opts);
    const pinned = ref.digest ? ref : ref.withDigest(await resolveDigest(this.remote, ref, signal));
    return listReferrers(this.remote, pinned, opts);
  }

  /** A small blob (an image config) read whole and verified against its digest. */
  async getBlob(repository: RepoInput, digest: string, opts: SignalOptions & { limit?: number } = {}): Promise<Buffer> {
    return getBlobBytes(this.remote, repo(repository), digest, opts);
  }

  /** A blob as a stream (large layers); the caller verifies the digest if it needs to. */
  async openBlob(repository: RepoInput, digest: string, opts: SignalOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    return (await openBlob(this.remote, repo(repository), digest, opts)).body;
  }

  /** Whether the repository holds the blob (HEAD). */
  async headBlob(repository: RepoInput, digest: string, opts: SignalOptions = {}): Promise<boolean> {
    return blobExists({ remote: this.remote, repo: repo(repository), ...signalOf(opts) }, digest);
  }

  /** Uploads a blob unless the repository has it; `mountFrom` tries cross-repository mounts first. */
  async putBlob(repository: RepoInput, blob: BlobInput, opts: PushBlobOptions & { digest?: string } = {}): Promise<PushBlobResult> {
    return pushBlob(this.remote, repo(repository), blobSource(blob, opts.digest), opts);
  }

  /** Cross-repository mount only: true when the registry mounted it, false when it would need an upload. */
  async mountBlob(repository: RepoInput, digest: string, from: string, opts: SignalOptions = {}): Promise<boolean> {
    const started = await startUpload({ remote: this.remote, repo: repo(repository), ...signalOf(opts) }, { digest, from });
    return started?.kind === 'mounted';
  }

  /** Deletes the manifest `ref` names (resolving a tag by HEAD); every tag on it goes. Returns the digest. */
  async deleteManifest(ref: RefInput, opts: SignalOptions = {}): Promise<string> {
    return deleteManifestOp(this.remote, reference(ref), opts);
  }

  /** Removes one tag; other tags on its digest stay (DELETE by tag, else a throw-away manifest). */
  async deleteTag(ref: RefInput, opts: SignalOptions = {}): Promise<TagDeleteResult> {
    return deleteTagOp(this.remote, reference(ref), opts);
  }

  async listTags(repository: RepoInput, opts: ListTagsOptions = {}): Promise<string[]> {
    return listTags(this.remote, repo(repository), opts);
  }

  /** Repository paths of a registry (`GET /v2/_catalog`); REGCTL_UNSUPPORTED when it has none. */
  async catalog(registry: string, opts: CatalogOptions = {}): Promise<string[]> {
    return listCatalog(this.remote, registry, opts);
  }

  /** docker search: `nginx` asks Docker Hub, `host:5000/term` that registry (catalog fallback). */
  async search(term: string, opts: SearchOptions = {}): Promise<SearchOutcome> {
    return searchOp(this.remote, parseSearchTerm(term), opts);
  }

  /** The local OCI layout store (created on first use). */
  store(): Promise<LayoutStore> {
    return this.#session.store();
  }

  /** Pulls into the store: only the blobs it lacks, verified while they stream. */
  async pull(ref: RefInput, opts: PullOptions = {}): Promise<PullResult> {
    return pullOp(this.remote, await this.store(), reference(ref), opts);
  }

  /** Pushes a stored image to the registry its name points at (tag it first with `tag`). */
  async push(ref: RefInput, opts: PushOptions = {}): Promise<PushResult> {
    return pushOp(this.remote, await this.store(), reference(ref), opts);
  }

  /**
   * Any location to any other, with the CLI's strings (`regctl copy`): registries, `store:NAME`,
   * `oci:DIR[:NAME]`, `oci-archive:` and `docker-archive:`. Exact manifest bytes, blobs skipped
   * when present, mounted on the same registry, else streamed across and verified on arrival; a
   * registry destination without a tag keeps the source's tag.
   */
  async copy(source: LocationInput, destination: LocationInput, opts: CopyOptions = {}): Promise<CopyResult> {
    const ctx = { remote: async () => this.remote, store: () => this.store(), ...(opts.signal ? { signal: opts.signal } : {}) };
    return copyOp(ctx, location(source), location(destination), opts);
  }

  /**
   * `regctl artifact push`: files (and directories) to `ref` as an OCI artifact, as `oras push`
   * makes it (one layer per file, titled with its base name; no tag is `latest`).
   */
  async pushArtifact(ref: RefInput, files: readonly ArtifactFileInput[], opts: PushArtifactOptions = {}): Promise<PushArtifactResult> {
    return pushArtifactOp(this.remote, reference(ref), files, opts);
  }

  /** `regctl artifact pull`: the artifact's titled layers written as files into `opts.output` (default: the current directory). */
  async pullArtifact(ref: RefInput, opts: PullArtifactOptions = {}): Promise<PullArtifactResult> {
    return pullArtifactOp(this.remote, reference(ref), opts);
  }

  /** `regctl artifact attach`: files attached to the manifest `subject` names, as its referrer (put by digest). */
  async attachArtifact(subject: RefInput, files: readonly ArtifactFileInput[], opts: AttachArtifactOptions): Promise<AttachArtifactResult> {
    return attachArtifactOp(this.remote, reference(subject), files, opts);
  }

  /** `regctl artifact list`: the referrers of the manifest `subject` names (and cosign's tag-scheme objects). */
  async listArtifacts(subject: RefInput, opts: ListArtifactsOptions = {}): Promise<ListArtifactsResult> {
    return listArtifactsOp(this.remote, reference(subject), opts);
  }

  /** Writes local images as a `docker save` tar (OCI layout plus manifest.json) to `out`. */
  async save(images: readonly string[], out: Writable, opts: SaveOptions = {}): Promise<void> {
    return saveImages(await this.store(), images, out, opts);
  }

  /** The same tar at `file`, visible only once complete (`save -o`); a failure leaves `file` as it was. */
  async saveToFile(images: readonly string[], file: string, opts: SaveOptions = {}): Promise<void> {
    return saveImagesToFile(await this.store(), images, file, opts);
  }

  /**
   * `regctl export`: the flattened filesystem of the image at `image` (any location, as copy
   * takes it; one platform of an index, default this machine's) as one tar into `out`, streamed
   * layer by layer, each verified against its digest.
   */
  async exportFilesystem(image: LocationInput, out: Writable, opts: ExportOptions = {}): Promise<ExportResult> {
    return exportFilesystemOp(this.locations(opts.signal), location(image), out, opts);
  }

  /** The same tar at `file`, visible only once complete (`export -o`); a failure leaves `file` as it was. */
  async exportFilesystemToFile(image: LocationInput, file: string, opts: ExportOptions = {}): Promise<ExportResult> {
    return exportFilesystemToFileOp(this.locations(opts.signal), location(image), file, opts);
  }

  /**
   * `regctl cat`: the content of `file` (a path in the image; symlinks followed inside it) into
   * `out`, reading layers from the top only until it is found. REGCTL_NOT_FOUND when the image
   * has no such file (never there, or deleted by an upper layer).
   */
  async catFile(image: LocationInput, file: string, out: Writable, opts: CatOptions = {}): Promise<CatResult> {
    return catFileOp(this.locations(opts.signal), location(image), file, out, opts);
  }

  /**
   * `regctl mutate`: a new config (entrypoint, cmd, env, labels, workdir, user, exposed ports,
   * created) and manifest annotations for the image at `source`, layers untouched and never
   * downloaded; written to `opts.target` (any location), else in place (the source's tag moves).
   * Every platform of an index unless `opts.platform`. SOURCE_DATE_EPOCH is not read here: pass `created`.
   */
  async mutate(source: LocationInput, opts: ClientMutateOptions = {}): Promise<MutateResult> {
    const { target, ...rest } = opts;
    return mutateOp(this.locations(opts.signal), location(source), target === undefined ? undefined : location(target), rest);
  }

  /**
   * `regctl append`: `opts.layers` (directories or tars) as new layers on the image at `base`,
   * written to `target`; the base's layers are never downloaded (mounted on the same registry,
   * streamed across otherwise). Every platform of an index unless `opts.platform`.
   * SOURCE_DATE_EPOCH is not read here: pass `timestamp`.
   */
  async append(base: LocationInput, target: LocationInput, opts: AppendOptions): Promise<AppendResult> {
    return appendOp(this.locations(opts.signal), location(base), location(target), opts);
  }

  private locations(signal: AbortSignal | undefined): LocationContext {
    return { remote: async () => this.remote, store: () => this.store(), ...(signal ? { signal } : {}) };
  }

  /** Reads a `docker save` / skopeo docker-archive or oci-archive tar into the store. */
  async load(input: Readable, opts: SignalOptions = {}): Promise<LoadedImage[]> {
    return loadArchive(await this.store(), input, opts);
  }

  async images(): Promise<LocalImage[]> {
    return listLocalImages(await this.store());
  }

  async tag(source: string, target: string): Promise<TagResult> {
    return tagImageOp(await this.store(), source, target);
  }

  async removeImage(input: string, opts: { force?: boolean } = {}): Promise<RemoveImageResult> {
    return removeImageOp(await this.store(), input, opts);
  }

  /** `regctl store check [--repair]`: re-hashes every blob and walks every entry; problems are returned, not thrown. */
  async checkStore(opts: CheckStoreOptions = {}): Promise<CheckStoreResult> {
    return (await this.store()).check(opts);
  }

  /** docker's local manifest list store, `<configDir>/manifests` (shared with `docker manifest`). */
  manifestLists(): ManifestListStore {
    return ManifestListStore.forConfigDir(dockerConfigDir({ configDirFlag: this.options.configDir, env: this.options.env ?? process.env }));
  }

  /** `docker manifest create [--amend] LIST MANIFEST...`: a local list of single-platform images, platforms read from their configs. */
  async createManifestList(list: RefInput, manifests: readonly RefInput[], opts: CreateManifestListOptions = {}): Promise<CreatedManifestList> {
    return createManifestList({ store: this.manifestLists(), remote: async () => this.remote }, String(list), manifests.map(String), opts);
  }

  /** `docker manifest annotate`: sets the platform fields of one entry of a local list; returns the entry. */
  async annotateManifestList(list: RefInput, manifest: RefInput, annotations: PlatformAnnotations): Promise<StoredManifest> {
    return annotateManifestList(this.manifestLists(), String(list), String(manifest), annotations);
  }

  /** The entries of a local list, in the order `pushManifestList` lists them. */
  async getManifestList(list: RefInput): Promise<StoredManifest[]> {
    return this.manifestLists().getList(reference(list));
  }

  /** `docker manifest push [--purge]`: same bytes and digest as docker for the same local list. */
  async pushManifestList(list: RefInput, opts: PushManifestListOptions = {}): Promise<PushedManifestList> {
    return pushManifestList(this.remote, this.manifestLists(), String(list), opts);
  }

  /** `docker manifest rm LIST...`: removes local lists; returns their full names. */
  async removeManifestList(lists: RefInput | readonly RefInput[]): Promise<string[]> {
    const all = Array.isArray(lists) ? lists : [lists];
    return removeManifestLists(this.manifestLists(), all.map(String));
  }

  /** Closes the HTTP connections; the client is unusable afterwards. */
  async close(): Promise<void> {
    await this.#remote?.close();
  }
}

/** A location string (`busybox`, `docker://REF`, `store:NAME`, `oci:DIR[:NAME]`, `oci-archive:FILE[:NAME]`, `docker-archive:FILE[:REF]`), a parsed Location or a Reference. */
export type LocationInput = string | Location | Reference;

function location(input: LocationInput): Location {
  if (typeof input === 'string') return parseLocation(input);
  return 'transport' in input ? input : { transport: 'docker', ref: input };
}

/** RegistryClient.mutate's options: the changes, and where the result goes (default: in place). */
export type ClientMutateOptions = MutateOptions & { target?: LocationInput };

/** Same as `new RegistryClient(options)`. */
export function createClient(options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient(options);
}
