// `logout`: erase a registry's credentials under every key spelling, from the selected helper and
// from config.json `auths` (docker/cli#7326 leaves some behind; this does not). Failures are
// reported per key, never thrown: like docker, a logout that could not erase everything still ends.
import { isRegctlError } from '../errors.js';
import { removeAuthEntries } from '../config/credentials/file-store.js';
import { credentialKey } from '../config/credentials/keys.js';
import type { CredentialResolver } from '../config/credentials/select.js';

export interface LogoutFailure {
  key: string;
  message: string;
}

export interface LogoutResult {
  /** The canonical key ('https://index.docker.io/v1/' for Docker Hub, else host[:port]). */
  key: string;
  /** False when nothing was stored for the registry ("Not logged in"). */
  found: boolean;
  failures: LogoutFailure[];
}

/** `registry`: a logical registry name or any key spelling ('docker.io', 'https://quay.io/v1/'). */
export async function logout(resolver: CredentialResolver, registry: string): Promise<LogoutResult> {
  const key = credentialKey(registry);
  const keys = await resolver.storedKeys(registry);
  if (keys.length === 0) return { key, found: false, failures: [] };
  const failures: LogoutFailure[] = [];
  try {
    await resolver.storeFor(registry).erase(key);
  } catch (err) {
    if (!isRegctlError(err) || err.code !== 'REGCTL_CRED_HELPER') throw err;
    failures.push({ key, message: err.message });
    // The helper kept its copy, but a password in config.json must not survive a logout.
    await resolver.config.update((config) => {
      removeAuthEntries(config, key);
    });
  }
  return { key, found: true, failures };
}

/** Logs out of every registry that config.json or the credsStore helper knows, one result each. */
export async function logoutAll(resolver: CredentialResolver): Promise<LogoutResult[]> {
  const registries = new Map<string, string>();
  for (const key of await resolver.listKeys()) {
    const canonical = credentialKey(key);
    // Keys differing only in case or spelling name one registry.
    if (!registries.has(canonical.toLowerCase())) registries.set(canonical.toLowerCase(), canonical);
  }
  const results: LogoutResult[] = [];
  for (const registry of registries.values()) {
    const result = await logout(resolver, registry);
    if (result.found) results.push(result);
  }
  return results;
}
