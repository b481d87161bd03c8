// Credential keys as docker writes them: Docker Hub under 'https://index.docker.io/v1/', every
// other registry under host[:port]. Older docker versions and other tools wrote URL-shaped keys
// ('https://host', 'http://host/v1/'), which must still be found at lookup and removed at logout.

import { convertToHostname, credentialKey, DOCKER_HUB_CREDENTIAL_KEY, DOCKER_HUB_HOSTS } from '../../reference/hosts.js';

// The key rule itself lives in reference/hosts.ts, below both the ops (login, pull secrets) and
// the credential stores (lookup, logout), so that all of them key a registry the same way.
export { convertToHostname, credentialKey };

export const DOCKER_HUB_KEY = DOCKER_HUB_CREDENTIAL_KEY;

export function isDockerHub(registryOrKey: string): boolean {
  return credentialKey(registryOrKey) === DOCKER_HUB_KEY;
}

/** Whether two names or keys denote the same registry (host names compare case-insensitively). */
export function sameRegistry(a: string, b: string): boolean {
  return credentialKey(a).toLowerCase() === credentialKey(b).toLowerCase();
}

/**
 * Every spelling of `registry` a config.json or a helper may hold, canonical key first. Used to
 * find credentials and to erase all of them at logout (docker/cli#7326 leaves some behind).
 */
export function keyVariants(registry: string): string[] {
  const key = credentialKey(registry);
  const hosts = key === DOCKER_HUB_KEY ? DOCKER_HUB_HOSTS : [key];
  const variants = [key];
  for (const host of hosts) {
    variants.push(host);
    for (const scheme of ['https://', 'http://']) {
      for (const suffix of ['', '/', '/v1/', '/v1', '/v2/', '/v2']) variants.push(`${scheme}${host}${suffix}`);
    }
  }
  return [...new Set(variants)];
}
