// Public surface of the config layer: config.json, credential keys, stores and their selection.
export { configDir, configFilePath, homeDir, legacyConfigFilePath, CONFIG_FILE_NAME, LEGACY_CONFIG_FILE_NAME } from './paths.js';
export type { ConfigDirOptions } from './paths.js';
export { ConfigFile, parseConfigText } from './config-file.js';
export type { AuthEntry } from './config-file.js';
export type { FileLockOptions } from '../util/file-lock.js';
export type { AuthConfig, CredentialStore, CredentialStoreKind } from './credentials/types.js';
export { DOCKER_HUB_KEY, convertToHostname, credentialKey, isDockerHub, keyVariants, sameRegistry } from './credentials/keys.js';
export { decodeAuth, encodeAuth } from './credentials/auth-encoding.js';
export { FileStore, findAuthEntry, removeAuthEntries } from './credentials/file-store.js';
export { HelperStore } from './credentials/helper-store.js';
export {
  CredentialHelperClient,
  CredentialHelperError,
  HELPER_PREFIX,
  TOKEN_USERNAME,
  isMissingHelper,
} from './credentials/helper-process.js';
export type { HelperOptions, HelperSecret } from './credentials/helper-process.js';
export { ENV_AUTH_CONFIG, parseEnvAuthConfig } from './credentials/env-auth-config.js';
export { loadLegacyDockercfg, parseLegacyDockercfg } from './credentials/legacy-dockercfg.js';
export { CredentialResolver } from './credentials/select.js';
export type { CredentialResolverOptions, HelperSelection } from './credentials/select.js';
