// Credential keys as docker writes them: Docker Hub under 'https://index.docker.io/v1/', every
// other registry under host[:port]. Older docker versions and other tools wrote URL-shaped keys
// ('https://host', 'http://host/v1/'), which must still be found at lookup and removed at logout.

import { DOCKER_HUB, DOCKER_HUB_API_HOST, DOCKER_HUB_CREDENTIAL_KEY, DOCKER_HUB_SEARCH_HOST } from '../../reference/hosts.js';

export const DOCKER_HUB_KEY = DOCKER_HUB_CREDENTIAL_KEY;

// The Hub's names (src/reference/hosts.ts): the v1 index, the logical registry and the v2 API host.
// Unlike hosts.ts credentialKey, keys found in config files are matched case-insensitively and may
// name the API host, because other tools wrote them that way.
const DOCKER_HUB_HOSTS = [DOCKER_HUB_SEARCH_HOST, DOCKER_HUB, DOCKER_HUB_API_HOST];

function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_HOSTS.includes(host.toLowerCase());
}

/**
 * The host[:port] part of a registry name or key, like docker's ConvertToHostname:
 * scheme, user info and path are dropped; case and port are kept.
 */
export function convertToHostname(key: string): string {
  const trimmed = key.trim();
  const schemeEnd = trimmed.indexOf('://');
  if (schemeEnd !== -1) {
    const rest = trimmed.slice(schemeEnd + 3);
    let authority = rest.split(/[/?#]/, 1)[0] ?? '';
    authority = authority.slice(authority.lastIndexOf('@') + 1);
    const bracketed = /^\[([^\]]*)\]$/.exec(authority); // '[::1]' without a port is just '::1', as in Go
    if (bracketed?.[1]) return bracketed[1];
    if (authority !== '') return authority;
  }
  return trimmed.split('/', 1)[0] ?? '';
}

/** The key credentials for `registry` are stored under ('docker.io' -> 'https://index.docker.io/v1/'). */
export function credentialKey(registry: string): string {
  const host = convertToHostname(registry);
  return isDockerHubHost(host) ? DOCKER_HUB_KEY : host;
}

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
