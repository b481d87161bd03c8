// Which store answers for a registry, exactly as docker decides (GetCredentialsStore):
// credHelpers[key] beats credsStore beats the inline `auths` of config.json; DOCKER_AUTH_CONFIG
// overlays all of them; ~/.dockercfg is read only when config.json has nothing for the registry.
// Last, a credHelpers entry under a spelling docker ignores (helper-selection.ts) is asked.
import { isRegctlError, type RegctlError } from '../../errors.js';
import { ConfigFile } from '../config-file.js';
import { configDir, configFilePath, legacyConfigFilePath } from '../paths.js';
import { readEnvAuthConfig } from './env-auth-config.js';
import { FileStore, findAuthEntry } from './file-store.js';
import type { HelperOptions } from './helper-process.js';
import { looseHelper, selectHelper, type HelperSelection } from './helper-selection.js';
import { HelperStore } from './helper-store.js';
import type { KeyringClientOptions } from './keyring-client.js';
import { isBuiltinKeyring, KeyringStore } from './keyring-store.js';
import { credentialKey, sameRegistry } from './keys.js';
import { loadLegacyDockercfg } from './legacy-dockercfg.js';
import type { AuthConfig, CredentialStore } from './types.js';

export interface CredentialResolverOptions {
  /** `--config DIR`. */
  configDirFlag?: string | undefined;
  /** Environment for DOCKER_CONFIG, DOCKER_AUTH_CONFIG and HOME (default process.env). */
  env?: NodeJS.ProcessEnv;
  homedir?: string | undefined;
  /** Environment of helper processes (default: `env`). */
  helperEnv?: NodeJS.ProcessEnv;
  helperTimeoutMs?: number;
  onHelperStderr?: (text: string) => void;
  /** Non-fatal problems (a broken helper, an unreadable ~/.dockercfg); each is reported once. */
  onWarning?: (message: string) => void;
  /**
   * `"credsStore": "regctl"` is served in-process from the OS keyring (these options), or with
   * `false` by spawning docker-credential-regctl like any other helper.
   */
  keyring?: KeyringClientOptions | false;
}

export type { HelperSelection };

export class CredentialResolver {
  readonly config: ConfigFile;
  /** True when a valid DOCKER_AUTH_CONFIG is set; the CLI warns once that it takes precedence. */
  readonly usesEnvAuthConfig: boolean;
  readonly #envAuths: Map<string, AuthConfig> | undefined;
  readonly #options: CredentialResolverOptions;
  readonly #fileStore: FileStore;
  readonly #helperStores = new Map<string, HelperStore>();
  readonly #resolved = new Map<string, Promise<AuthConfig | undefined>>();
  readonly #warned = new Set<string>();
  #legacy: Promise<Map<string, AuthConfig> | undefined> | undefined;

  /** An invalid DOCKER_AUTH_CONFIG is a warning and is then ignored, as in docker. */
  constructor(config: ConfigFile, options: CredentialResolverOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#envAuths = readEnvAuthConfig(options.env ?? process.env, (message) => this.#warn('env-auth-config', message));
    this.usesEnvAuthConfig = this.#envAuths !== undefined;
    this.#fileStore = new FileStore(config);
  }

  /** Loads config.json from --config / $DOCKER_CONFIG / ~/.docker. Throws ConfigError if it is unusable. */
  static async create(options: CredentialResolverOptions = {}): Promise<CredentialResolver> {
    const file = configFilePath(configDir(options));
    return new CredentialResolver(await ConfigFile.load(file), options);
  }

  /** The helper docker would use for a registry, or undefined for the inline `auths` store. */
  helperFor(registry: string): HelperSelection | undefined {
    return selectHelper(this.config, registry);
  }

  /** The store `login` writes to and `logout` erases from (DOCKER_AUTH_CONFIG is read-only). */
  storeFor(registry: string): CredentialStore {
    const selection = this.helperFor(registry);
    const store = selection ? this.#helperStore(selection.name) : this.#fileStore;
    return {
      kind: store.kind,
      description: store.description,
      get: (key) => store.get(key),
      getAll: () => store.getAll(),
      // A write makes earlier answers stale.
      store: async (key, auth) => {
        this.#resolved.clear();
        await store.store(key, auth);
      },
      // What lookups may read from a loosely keyed helper, logout must remove from it too.
      erase: async (key) => {
        this.#resolved.clear();
        await store.erase(key);
        const loose = looseHelper(this.config, registry);
        if (loose) await this.#helperStore(loose.name).erase(key);
      },
    };
  }

  /**
   * Every key regctl or docker logged in to (for `logout --all`): config.json `auths` (secrets and
   * helper markers), `credHelpers` keys, and what the credsStore helper lists. One `list` call at
   * most; a failing helper is a warning.
   */
  async listKeys(): Promise<string[]> {
    const keys = new Set([...Object.keys(this.config.auths), ...Object.keys(this.config.credHelpers)]);
    const store = this.config.credsStore;
    if (store) {
      const helper = this.#helperStore(store);
      try {
        for (const key of Object.keys(await helper.client.list())) keys.add(key);
      } catch (err) {
        if (!isRegctlError(err) || err.code !== 'REGCTL_CRED_HELPER') throw err;
        this.#warn(`${helper.description}:list`, `cannot list credentials in ${helper.description} (credsStore in ${this.config.path}): ${err.message}`);
      }
    }
    return [...keys];
  }

  /**
   * The keys under which anything is stored for `registry` (for logout): every spelling in
   * config.json `auths`, plus what the selected helper lists for it. A helper that cannot list is
   * asked for the canonical key; if that fails too, the canonical key counts, so that logout still
   * tries to erase it and reports what went wrong.
   */
  async storedKeys(registry: string): Promise<string[]> {
    const key = credentialKey(registry);
    const keys = new Set(Object.keys(this.config.auths).filter((candidate) => sameRegistry(candidate, key)));
    for (const selection of [this.helperFor(registry), looseHelper(this.config, registry)]) {
      if (selection) for (const stored of await this.#helperKeys(selection, key)) keys.add(stored);
    }
    return [...keys];
  }

  async #helperKeys(selection: HelperSelection, key: string): Promise<string[]> {
    const { client } = this.#helperStore(selection.name);
    try {
      return Object.keys(await client.list()).filter((candidate) => sameRegistry(candidate, key));
    } catch (err) {
      if (!isHelperError(err)) throw err;
      try {
        return (await client.get(key)) ? [key] : [];
      } catch (getErr) {
        if (!isHelperError(getErr)) throw getErr;
        return [key];
      }
    }
  }

  /**
   * Credentials for a registry, or undefined for anonymous access. Lazy and memoised: at most one
   * helper call per registry. A missing or failing helper is a warning, never an error, so that
   * public images keep working; an unusable config.json still throws.
   */
  resolve(registry: string): Promise<AuthConfig | undefined> {
    const key = credentialKey(registry);
    let pending = this.#resolved.get(key);
    if (!pending) {
      pending = this.#lookup(key);
      this.#resolved.set(key, pending);
    }
    return pending;
  }

  async #lookup(key: string): Promise<AuthConfig | undefined> {
    const fromEnv = findIn(this.#envAuths, key);
    if (fromEnv) return fromEnv;
    const selection = this.helperFor(key);
    const auth = selection ? await this.#askHelper(selection, key) : await this.#fileStore.get(key);
    if (auth) return auth;
    const fromLegacy = findAuthEntry(this.config, key) ? undefined : findIn(await this.#legacyAuths(), key);
    if (fromLegacy) return fromLegacy;
    // Leniency: what the author of credHelpers["docker.io"] plainly meant, asked only when docker's
    // own choice found nothing, so it never hides credentials docker would have used.
    const loose = looseHelper(this.config, key);
    if (!loose) return undefined;
    this.#warn(
      `loose:${loose.setting}`,
      `${loose.setting} in ${this.config.path} is not used by docker for ${key}; write the key as ${JSON.stringify(key)}`,
    );
    return this.#askHelper(loose, key);
  }

  /** One helper call; a missing or failing helper is a warning and no credentials. */
  async #askHelper(selection: HelperSelection, key: string): Promise<AuthConfig | undefined> {
    const store = this.#helperStore(selection.name);
    try {
      return await store.get(key);
    } catch (err) {
      if (!isHelperError(err)) throw err;
      this.#warn(
        `${store.description}:${key}`,
        `cannot get credentials for ${key} from ${store.description} (${selection.setting} in ${this.config.path}): ${err.message}; continuing without credentials`,
      );
      return undefined;
    }
  }

  #helperStore(name: string): HelperStore {
    let store = this.#helperStores.get(name);
    if (!store && isBuiltinKeyring(name) && this.#options.keyring !== false) {
      store = new KeyringStore(this.config, this.#options.keyring ?? {});
      this.#helperStores.set(name, store);
    }
    if (!store) {
      const options: HelperOptions = { env: this.#options.helperEnv ?? this.#options.env ?? process.env };
      if (this.#options.helperTimeoutMs !== undefined) options.timeoutMs = this.#options.helperTimeoutMs;
      if (this.#options.onHelperStderr) options.onStderr = this.#options.onHelperStderr;
      store = new HelperStore(name, this.config, options);
      this.#helperStores.set(name, store);
    }
    return store;
  }

  /** ~/.dockercfg, read at most once and only when needed; a broken one is a warning. */
  #legacyAuths(): Promise<Map<string, AuthConfig> | undefined> {
    this.#legacy ??= loadLegacyDockercfg(legacyConfigFilePath(this.#options)).catch((err: unknown) => {
      this.#warn('dockercfg', `ignoring legacy credentials: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    return this.#legacy;
  }

  #warn(id: string, message: string): void {
    if (this.#warned.has(id)) return;
    this.#warned.add(id);
    this.#options.onWarning?.(message);
  }
}

function isHelperError(err: unknown): err is RegctlError {
  return isRegctlError(err) && err.code === 'REGCTL_CRED_HELPER';
}

/** Exact key first, then any key naming the same registry. */
function findIn(auths: Map<string, AuthConfig> | undefined, key: string): AuthConfig | undefined {
  if (!auths) return undefined;
  const exact = auths.get(key);
  if (exact) return exact;
  for (const [candidate, auth] of auths) if (sameRegistry(candidate, key)) return auth;
  return undefined;
}
