// The credential model shared by every store (docker's types.AuthConfig, minus the legacy email).

export interface AuthConfig {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker's `identitytoken`); exchanged at the token server instead of a password. */
  identityToken?: string;
  /** A bearer token sent to the registry as is (docker's `registrytoken`). */
  registryToken?: string;
  /** The key the credentials were found under. */
  serverAddress?: string;
}

export type CredentialStoreKind = 'file' | 'helper' | 'env';

/** docker's credentials.Store: every method takes a registry name or a config key. */
export interface CredentialStore {
  /** undefined when the store holds nothing for that registry. */
  get(key: string): Promise<AuthConfig | undefined>;
  getAll(): Promise<Record<string, AuthConfig>>;
  /** Saves under the canonical key and drops other spellings of the same registry. */
  store(key: string, auth: AuthConfig): Promise<void>;
  /** Removes the registry under every key spelling. */
  erase(key: string): Promise<void>;
  /** Where the secret lives, for messages: 'config.json' or 'docker-credential-pass'. */
  readonly description: string;
  /** 'file' means plain text in config.json (login prints docker's unencrypted warning). */
  readonly kind: CredentialStoreKind;
}
