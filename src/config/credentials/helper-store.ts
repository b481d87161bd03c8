// A credential store backed by a docker-credential-<name> helper (docker's nativeStore). The
// secret lives in the helper; config.json keeps a secret-free `auths[key] = {}` marker, as docker
// does, so tools that list logins from config.json still see the registry.
import type { ConfigFile } from '../config-file.js';
import { assertStorable, findAuthEntry, nonSecretFields, removeAuthEntries } from './file-store.js';
import { CredentialHelperClient, isMissingHelper, TOKEN_USERNAME, type HelperOptions } from './helper-process.js';
import { credentialKey, sameRegistry } from './keys.js';
import type { AuthConfig, CredentialStore } from './types.js';

/** What the store needs from a helper: the spawned program, or the in-process keyring (keyring-client.ts). */
export type HelperClient = Pick<CredentialHelperClient, 'program' | 'get' | 'store' | 'erase' | 'list'>;

export class HelperStore implements CredentialStore {
  readonly kind = 'helper';
  readonly client: HelperClient;

  constructor(
    /** The suffix as written in config.json ('pass', 'ecr-login'). */
    readonly name: string,
    readonly config: ConfigFile,
    options: HelperOptions = {},
    client?: HelperClient,
  ) {
    this.client = client ?? new CredentialHelperClient(name, options);
  }

  get description(): string {
    return this.client.program;
  }

  /** One helper call, with the canonical key (as docker: legacy spellings are not probed). */
  async get(key: string): Promise<AuthConfig | undefined> {
    const serverAddress = credentialKey(key);
    const found = await this.client.get(serverAddress);
    if (!found) return undefined;
    if (found.username === TOKEN_USERNAME) return { identityToken: found.secret, serverAddress };
    const auth: AuthConfig = { username: found.username, serverAddress };
    if (found.secret) auth.password = found.secret;
    return auth;
  }

  async getAll(): Promise<Record<string, AuthConfig>> {
    const all: Record<string, AuthConfig> = {};
    for (const key of Object.keys(await this.client.list())) {
      const auth = await this.get(key);
      if (auth) all[key] = { ...auth, serverAddress: key };
    }
    return all;
  }

  /** Helper first: if it fails, nothing is written to config.json (never a plain-text fallback). */
  async store(key: string, auth: AuthConfig): Promise<void> {
    const canonical = credentialKey(key);
    assertStorable(canonical, auth);
    const [username, secret] = auth.identityToken
      ? [TOKEN_USERNAME, auth.identityToken]
      : [auth.username ?? '', auth.password ?? ''];
    await this.#dropOtherUser(canonical, username);
    await this.client.store(canonical, username, secret);
    await this.config.update((config) => {
      const previous = findAuthEntry(config, canonical)?.entry;
      removeAuthEntries(config, canonical);
      config.setAuthEntry(canonical, nonSecretFields(previous));
    });
  }

  /**
   * docker-credential-pass keeps one file per user name and `get` returns the first one, so a
   * login as another user would silently keep answering with the old account. Erasing first
   * (one cheap `list`, plus `erase` only when the user changes) makes the new login win.
   */
  async #dropOtherUser(key: string, username: string): Promise<void> {
    const listed = await this.client.list().catch((err: unknown) => {
      if (isMissingHelper(err)) throw err;
      return undefined; // helpers without `list` overwrite by key anyway
    });
    if (listed && Object.hasOwn(listed, key) && listed[key] !== username) await this.client.erase(key);
  }

  /**
   * Erases every key of that registry the helper knows (found with `list`, one cheap call),
   * then the config.json markers. A helper without `list` gets the canonical key only.
   */
  async erase(key: string): Promise<void> {
    let keys: string[];
    try {
      keys = Object.keys(await this.client.list()).filter((candidate) => sameRegistry(candidate, key));
    } catch (err) {
      if (isMissingHelper(err)) throw err;
      keys = [credentialKey(key)];
    }
    for (const candidate of keys) await this.client.erase(candidate);
    await this.config.update((config) => {
      removeAuthEntries(config, key);
    });
  }
}
