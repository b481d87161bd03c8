// `"credsStore": "regctl"` served in-process: the same items the docker-credential-regctl binary
// reads and writes (keyring-client.ts), without spawning a Node process per call. Everything else
// (config.json `{}` markers, one user per registry, erasing every key spelling) is HelperStore's.
import type { ConfigFile } from '../config-file.js';
import { HelperStore } from './helper-store.js';
import { KEYRING_HELPER_NAME, KeyringClient, type KeyringClientOptions } from './keyring-client.js';

export class KeyringStore extends HelperStore {
  constructor(config: ConfigFile, options: KeyringClientOptions = {}) {
    super(KEYRING_HELPER_NAME, config, {}, new KeyringClient(options));
  }
}

/** Whether a credsStore / credHelpers value names the built-in keyring store. */
export function isBuiltinKeyring(helperName: string): boolean {
  return helperName === KEYRING_HELPER_NAME;
}
