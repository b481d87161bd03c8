// Credentials kept in config.json itself (`auths`), docker's default when no helper is set:
// base64 `user:password` in `auth`, OAuth2 refresh token in `identitytoken`.
import { ConfigError, RegctlError } from '../../errors.js';
import type { AuthEntry, ConfigFile } from '../config-file.js';
import { decodeAuth, encodeAuth } from './auth-encoding.js';
import { credentialKey, keyVariants, sameRegistry } from './keys.js';
import type { AuthConfig, CredentialStore } from './types.js';

/** Fields that carry secrets; everything else in an entry (email, other tools' fields) is kept. */
const SECRET_FIELDS = ['auth', 'identitytoken', 'registrytoken', 'username', 'password'];

export class FileStore implements CredentialStore {
  readonly kind = 'file';
  readonly description = 'config.json';

  constructor(readonly config: ConfigFile) {}

  async get(key: string): Promise<AuthConfig | undefined> {
    const found = findAuthEntry(this.config, key);
    return found ? entryToAuth(found.key, found.entry, this.config.path) : undefined;
  }

  async getAll(): Promise<Record<string, AuthConfig>> {
    const all: Record<string, AuthConfig> = {};
    for (const [key, entry] of Object.entries(this.config.auths)) {
      all[key] = entryToAuth(key, entry, this.config.path) ?? { serverAddress: key };
    }
    return all;
  }

  async store(key: string, auth: AuthConfig): Promise<void> {
    const canonical = credentialKey(key);
    assertStorable(canonical, auth);
    await this.config.update((config) => {
      const previous = findAuthEntry(config, canonical)?.entry;
      removeAuthEntries(config, canonical);
      config.setAuthEntry(canonical, { ...nonSecretFields(previous), ...authToEntry(auth) });
    });
  }

  async erase(key: string): Promise<void> {
    await this.config.update((config) => {
      removeAuthEntries(config, key);
    });
  }
}

/**
 * The entry for a registry: the exact key first, then the canonical key and its legacy
 * spellings, then any key naming the same host (docker's ConvertToHostname fallback).
 */
export function findAuthEntry(config: ConfigFile, key: string): { key: string; entry: AuthEntry } | undefined {
  const auths = config.auths;
  for (const candidate of [key, ...keyVariants(key)]) {
    if (Object.hasOwn(auths, candidate)) return { key: candidate, entry: auths[candidate] ?? {} };
  }
  const legacy = Object.keys(auths).find((candidate) => sameRegistry(candidate, key));
  return legacy === undefined ? undefined : { key: legacy, entry: auths[legacy] ?? {} };
}

/** Deletes every key naming the same registry as `key`; returns the deleted keys. */
export function removeAuthEntries(config: ConfigFile, key: string): string[] {
  const doomed = Object.keys(config.auths).filter((candidate) => sameRegistry(candidate, key));
  for (const candidate of doomed) config.deleteAuthEntry(candidate);
  return doomed;
}

/** What a helper-backed registry keeps in config.json: a marker without secrets (docker's `{}`). */
export function nonSecretFields(entry: AuthEntry | null | undefined): AuthEntry {
  const kept: AuthEntry = {};
  for (const [field, value] of Object.entries(entry ?? {})) {
    if (!SECRET_FIELDS.includes(field)) kept[field] = value;
  }
  return kept;
}

/** Decodes an entry; undefined for an entry without credentials (a helper's `{}` marker). */
export function entryToAuth(key: string, entry: AuthEntry | null, file: string): AuthConfig | undefined {
  if (!entry) return undefined;
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = decodeAuth(entry.auth);
    // The value is a password: the message names the key, never the content.
    if (!decoded) throw new ConfigError(`cannot parse ${file}: invalid "auth" value for "${key}"`, { file });
    ({ username, password } = decoded);
  }
  const auth: AuthConfig = {};
  if (username) auth.username = username;
  if (password) auth.password = password;
  if (entry.identitytoken) auth.identityToken = entry.identitytoken;
  if (entry.registrytoken) auth.registryToken = entry.registrytoken;
  if (Object.keys(auth).length === 0) return undefined;
  auth.serverAddress = key;
  return auth;
}

/** Like docker: `auth` holds `user:` even when an identity token is the real secret. */
function authToEntry(auth: AuthConfig): AuthEntry {
  const entry: AuthEntry = {};
  const encoded = encodeAuth(auth.username, auth.password);
  if (encoded) entry.auth = encoded;
  if (auth.identityToken) entry.identitytoken = auth.identityToken;
  if (auth.registryToken) entry.registrytoken = auth.registryToken;
  return entry;
}

export function assertStorable(key: string, auth: AuthConfig): void {
  if (!auth.username && !auth.identityToken && !auth.registryToken) {
    throw new RegctlError('REGCTL_USAGE', `cannot store credentials for ${key}: username is empty`);
  }
}
