// The one composition root: this machine's registry setup, read the same way for the CLI
// (cli/context.ts) and the library (client.ts), so that a program using RegistryClient gets what
// `regctl` gets: the config dir and its credentials (config.json, helpers, keyring,
// DOCKER_AUTH_CONFIG), daemon.json and registries.json (insecure registries, mirrors), the certs.d
// directories, and the store directory.
//
// One error policy, the CLI's and docker's:
// - credentials config that cannot be used (config.json unreadable or malformed, a bad "auth"
//   value): "Error loading config file: ..." through `onWarning`, then anonymous access, as docker
//   does ("WARNING: Error loading config file");
// - an invalid DOCKER_AUTH_CONFIG: "Failed to create credential store from DOCKER_AUTH_CONFIG: ..."
//   through `onWarning`, then config.json and its helpers as if the variable were unset (docker's
//   GetCredentialsStore falls back the same way), so one bad variable cannot hide every login;
// - a daemon.json or registries.json that exists but cannot be used: a ConfigError from
//   `registrySettings()`, so the operation needing the registry fails (exit 6 in the CLI), as
//   dockerd refuses to start on it.
// Nothing here prints or exits; the HTTP stack and the credential stores are loaded on first use,
// which keeps the CLI's local commands and start-up free of them.
import type { CredentialResolver, CredentialResolverOptions } from './config/credentials/select.js';
import { readDaemonSettings } from './config/daemon-json.js';
import { mergeMirrors, readRegistriesSettings } from './config/registries-json.js';
import { isRegctlError } from './errors.js';
import type { LayoutStore } from './store/layout/layout-store.js';
import type { MirrorTable } from './store/remote/mirror-router.js';
import { defaultStorePath } from './store/store-path.js';
import { defaultCertsDirs } from './transport/certs-dirs.js';
import { parseTimeout } from './transport/timeouts.js';
import type { Credential } from './transport/token.js';

export const ENV_AUTH_WARNING = 'DOCKER_AUTH_CONFIG is set: its credentials take precedence over config.json and credential helpers';

export type CredentialSource = (registry: string) => Promise<Credential | undefined>;

export interface SessionOptions {
  /** Directory holding config.json (`--config`); default $DOCKER_CONFIG, else ~/.docker. */
  configDir?: string | undefined;
  /** Environment for every lookup (DOCKER_CONFIG, XDG_*, REGCTL_*, proxies); default process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Store directory (`--store`); default $REGCTL_STORE, else $XDG_DATA_HOME/regctl. */
  storeDir?: string | undefined;
  /** Insecure registries (host[:port] or CIDR) added before daemon.json's and registries.json's. */
  insecureRegistries?: readonly string[] | undefined;
  /** Mirrors per registry, tried before the ones from flags and files. */
  mirrors?: MirrorTable | undefined;
  /** `--registry-mirror` values: `URL` (a Docker Hub mirror) or `REGISTRY=URL`. */
  mirrorFlags?: readonly string[] | undefined;
  /** certs.d directories to search instead of the default ones. */
  certsDirs?: readonly string[] | undefined;
  /** certs.d directories searched before the default ones (`--certs-dir`). */
  extraCertsDirs?: readonly string[] | undefined;
  /** Credentials for the transport: default the stored ones, a function of the caller's, or none. */
  credentials?: CredentialSource | false | undefined;
  /** More options for the config.json credential resolver (helper timeout and stderr, keyring). */
  resolver?: Omit<CredentialResolverOptions, 'configDirFlag' | 'env' | 'onWarning'> | undefined;
  /** Non-fatal problems, each message once; the CLI prints them as `WARNING: ...`. */
  onWarning?: ((message: string) => void) | undefined;
  /** How long a silent registry is waited on (`--timeout`); default $REGCTL_TIMEOUT, else 30 s (transport/timeouts.ts). */
  timeoutMs?: number | undefined;
}

/** The transport settings of this machine (a subset of RemoteOptions). */
export interface RegistrySettings {
  env: NodeJS.ProcessEnv;
  insecureRegistries: string[];
  mirrors: Record<string, string[]>;
  certsDirs: string[];
  /** The caller's timeout, else $REGCTL_TIMEOUT; absent: the HTTP client's default. */
  timeoutMs?: number;
}

export class Session {
  readonly env: NodeJS.ProcessEnv;
  readonly #options: SessionOptions;
  readonly #warned = new Set<string>();
  #settings: { value: RegistrySettings } | { error: unknown } | undefined;
  #resolver: Promise<CredentialResolver> | undefined;
  #store: Promise<LayoutStore> | undefined;

  constructor(options: SessionOptions = {}) {
    this.#options = options;
    this.env = options.env ?? process.env;
  }

  /** Reports a warning once per message. */
  warn(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#options.onWarning?.(message);
  }

  /** Absolute path of the local store. */
  get storePath(): string {
    return defaultStorePath({ flag: this.#options.storeDir, env: this.env });
  }

  /** The local OCI layout store, opened once (created unless `create: false` on the first call). */
  store(opts: { create?: boolean } = {}): Promise<LayoutStore> {
    this.#store ??= import('./store/layout/layout-store.js').then(({ LayoutStore }) =>
      LayoutStore.open(this.storePath, { create: opts.create ?? true }),
    );
    return this.#store;
  }

  /**
   * Insecure registries, mirrors and certs.d directories: the caller's first, then daemon.json's,
   * then registries.json's. Read once; throws ConfigError (every time) when a file is unusable.
   */
  registrySettings(): RegistrySettings {
    this.#settings ??= (() => {
      try {
        return { value: this.#readSettings() };
      } catch (error) {
        return { error };
      }
    })();
    if ('error' in this.#settings) throw this.#settings.error;
    return this.#settings.value;
  }

  #readSettings(): RegistrySettings {
    const o = this.#options;
    const daemon = readDaemonSettings(this.env);
    const registries = readRegistriesSettings(this.env);
    const mirrors: Record<string, string[]> = {};
    for (const table of [o.mirrors ?? {}, mergeMirrors(o.mirrorFlags ?? [], daemon.registryMirrors, registries.mirrors)]) {
      for (const [registry, urls] of Object.entries(table)) (mirrors[registry] ??= []).push(...urls);
    }
    return {
      env: this.env,
      insecureRegistries: [...(o.insecureRegistries ?? []), ...daemon.insecureRegistries, ...registries.insecureRegistries],
      mirrors,
      certsDirs: [...(o.extraCertsDirs ?? []), ...(o.certsDirs ?? defaultCertsDirs(this.env))],
      ...timeoutSetting(o.timeoutMs, this.env),
    };
  }

  /** config.json with its helpers and keyring, loaded once. Rejects with ConfigError when it is unusable. */
  credentialResolver(): Promise<CredentialResolver> {
    this.#resolver ??= (async () => {
      const { CredentialResolver } = await import('./config/credentials/select.js');
      const resolver = await CredentialResolver.create({
        ...this.#options.resolver,
        configDirFlag: this.#options.configDir,
        env: this.env,
        onWarning: (message) => this.warn(message),
      });
      if (resolver.usesEnvAuthConfig) this.warn(ENV_AUTH_WARNING);
      return resolver;
    })();
    return this.#resolver;
  }

  /** Stored credentials for a registry, or undefined: unusable credentials config is a warning, then anonymous. */
  async credentials(registry: string): Promise<Credential | undefined> {
    try {
      return await (await this.credentialResolver()).resolve(registry);
    } catch (err) {
      if (!isRegctlError(err) || err.code !== 'REGCTL_CONFIG') throw err;
      this.warn(`Error loading config file: ${err.message}`);
      return undefined;
    }
  }

  /** What the transport asks for credentials: the caller's function, nothing for `false`, else `credentials()`. */
  credentialSource(): CredentialSource | undefined {
    const given = this.#options.credentials;
    if (given === false) return undefined;
    return given ?? ((registry) => this.credentials(registry));
  }
}

/** `timeoutMs` given, else REGCTL_TIMEOUT (a bad value is a UsageError), else nothing (the default). */
function timeoutSetting(given: number | undefined, env: NodeJS.ProcessEnv): { timeoutMs?: number } {
  if (given !== undefined) return { timeoutMs: given };
  const fromEnv = env.REGCTL_TIMEOUT;
  return fromEnv ? { timeoutMs: parseTimeout(fromEnv, 'REGCTL_TIMEOUT') } : {};
}
