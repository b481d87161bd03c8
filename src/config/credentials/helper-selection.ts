// Which credential helper config.json names for a registry. docker (getConfiguredCredentialStore)
// looks up credHelpers by the exact credential key only ('https://index.docker.io/v1/' for Docker
// Hub, host[:port] otherwise) and else uses credsStore; that choice decides where login writes and
// where lookups go first, so that docker and regctl always agree. A credHelpers key that names the
// same registry in another spelling ("docker.io", "https://my.registry.io") is ignored by docker;
// regctl keeps it only as a last resort, asked when docker's choice has nothing (select.ts).
import type { ConfigFile } from '../config-file.js';
import { credentialKey, sameRegistry } from './keys.js';

/** Where a registry's credentials are configured to live. */
export interface HelperSelection {
  /** Helper suffix ('pass' for docker-credential-pass). */
  name: string;
  /** 'credHelpers["quay.io"]' or 'credsStore': the config.json setting that chose it. */
  setting: string;
}

/** docker's choice: credHelpers[exact key], else credsStore; undefined for the inline `auths` store. */
export function selectHelper(config: ConfigFile, registry: string): HelperSelection | undefined {
  const key = credentialKey(registry);
  const helpers = config.credHelpers;
  if (Object.hasOwn(helpers, key)) {
    // An empty helper opts the registry out of credsStore (docker does the same).
    const name = helpers[key];
    return name ? { name, setting: credHelpersSetting(key) } : undefined;
  }
  const store = config.credsStore;
  return store ? { name: store, setting: 'credsStore' } : undefined;
}

/** A non-empty credHelpers entry for `registry` under a key docker does not match, if any. */
export function looseHelper(config: ConfigFile, registry: string): HelperSelection | undefined {
  const key = credentialKey(registry);
  const helpers = config.credHelpers;
  if (Object.hasOwn(helpers, key)) return undefined;
  const loose = Object.keys(helpers).find((candidate) => helpers[candidate] && sameRegistry(candidate, key));
  return loose === undefined ? undefined : { name: helpers[loose] ?? '', setting: credHelpersSetting(loose) };
}

function credHelpersSetting(key: string): string {
  return `credHelpers[${JSON.stringify(key)}]`;
}
