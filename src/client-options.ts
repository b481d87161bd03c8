// Options and argument types of RegistryClient (client.ts), and the small conversions its
// methods share: a string or a parsed reference, bytes or a re-readable blob source.
import type { CredentialResolverOptions } from './config/credentials/select.js';
import { RegctlError } from './errors.js';
import { parseReference, parseRepository, type Reference, type Repository } from './reference/parse.js';
import type { RemoteOptions } from './store/remote/remote-registry.js';
import type { BlobSource } from './store/remote/upload.js';
import type { Credential } from './transport/token.js';

/**
 * `insecureRegistries` and `mirrors` come first, then daemon.json's and registries.json's (found
 * through `env`), as the CLI's flags do; `certsDirs` replaces the default certs.d directories.
 */
export interface RegistryClientOptions extends Omit<RemoteOptions, 'credentials'> {
  /** Directory holding config.json (docker's --config); default $DOCKER_CONFIG, else ~/.docker. */
  configDir?: string;
  /**
   * Where credentials come from: default config.json with its helpers and keyring (as docker);
   * a function to supply them yourself; `false` for anonymous access only.
   */
  credentials?: ((registry: string) => Promise<Credential | undefined>) | false;
  /** Local OCI layout store used by pull, push and the image methods; default $REGCTL_STORE, else $XDG_DATA_HOME/regctl. */
  storeDir?: string;
  /** Non-fatal problems (a failing credential helper): the library never prints them itself. */
  onWarning?: (message: string) => void;
  /** Extra options for the config.json credential resolver (helper timeout, keyring). */
  resolver?: Omit<CredentialResolverOptions, 'configDirFlag' | 'env' | 'onWarning'>;
}

/** Cancellation only. */
export interface SignalOptions {
  signal?: AbortSignal;
}

export interface ClientLoginOptions extends SignalOptions {
  username: string;
  password: string;
}

/** A blob to upload: its bytes, or a source that can re-read any range (large files, resumes). */
export type BlobInput = Uint8Array | BlobSource;

export type RefInput = string | Reference;
export type RepoInput = string | Repository;

export function reference(input: RefInput): Reference {
  return typeof input === 'string' ? parseReference(input) : input;
}

export function repo(input: RepoInput): Repository {
  return typeof input === 'string' ? parseRepository(input) : input;
}

export function signalOf(opts: SignalOptions): { signal?: AbortSignal } {
  return opts.signal ? { signal: opts.signal } : {};
}

export function blobSource(blob: BlobInput, digest: string | undefined): BlobSource {
  if (!(blob instanceof Uint8Array)) return blob;
  if (!digest) throw new RegctlError('REGCTL_USAGE', 'putBlob with bytes needs `digest` (e.g. digestOf(bytes))');
  const bytes = blob;
  return {
    digest,
    size: bytes.length,
    read: async function* (start: number, end: number) {
      if (end > start) yield bytes.subarray(start, end);
    },
  };
}
