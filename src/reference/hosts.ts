// Docker Hub has three names that must never be mixed up: the logical registry name used in
// references (`docker.io`), the host the v2 API actually answers on (`registry-1.docker.io`)
// and the key docker stores Hub credentials under in config.json (`https://index.docker.io/v1/`).
// Everything else that maps between registry names lives here too.

import { InvalidReferenceError } from '../errors.js';
import { isValidDomain } from './grammar.js';

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
export const DOCKER_HUB_CREDENTIAL_KEY = 'https://index.docker.io/v1/';
export const DOCKER_HUB_SEARCH_HOST = 'index.docker.io';

/**
 * Names that denote Docker Hub wherever a registry name or credential key is read (login and
 * logout arguments, config.json keys other tools wrote): the v1 index, the logical registry and
 * the v2 API host. Compared case-insensitively, because host names are.
 */
export const DOCKER_HUB_HOSTS: readonly string[] = [DOCKER_HUB_SEARCH_HOST, DOCKER_HUB, DOCKER_HUB_API_HOST];

function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_HOSTS.includes(host.toLowerCase());
}

/** Host (and port) to send v2 API requests to for a logical registry name. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/**
 * The host[:port] part of a registry name or key, like docker's ConvertToHostname
 * (cli/config/credentials/file_store.go): scheme, user info and path are dropped; case and port
 * are kept. A URL's host is re-joined the way Go's net.JoinHostPort does it, so an IPv6 address
 * with a port gets its brackets (`https://::1:6555/v2/` -> `[::1]:6555`) and one without a port
 * loses them (`https://[::1]/` -> `::1`), exactly as in docker's own test table.
 */
export function convertToHostname(key: string): string {
  const trimmed = key.trim();
  const schemeEnd = trimmed.indexOf('://');
  if (schemeEnd !== -1) {
    const rest = trimmed.slice(schemeEnd + 3);
    let authority = rest.split(/[/?#]/, 1)[0] ?? '';
    authority = authority.slice(authority.lastIndexOf('@') + 1);
    const { hostname, port } = splitHostPort(authority);
    if (hostname !== '') return port === '' ? hostname : joinHostPort(hostname, port);
  }
  return trimmed.split('/', 1)[0] ?? '';
}

/** Go's url.URL Hostname()/Port(): the port is what follows the last colon, if only digits follow it. */
function splitHostPort(authority: string): { hostname: string; port: string } {
  let hostname = authority;
  let port = '';
  const colon = authority.lastIndexOf(':');
  if (colon !== -1 && /^:\d*$/.test(authority.slice(colon))) {
    hostname = authority.slice(0, colon);
    port = authority.slice(colon + 1);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}

/** Go's net.JoinHostPort: an IPv6 address is bracketed when a port follows. */
function joinHostPort(hostname: string, port: string): string {
  return hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/**
 * The one config.json / credential-helper key for a registry, used by login, logout, lookups and
 * pull secrets alike (two rules meant login and logout could miss each other, docker/cli#7326).
 * docker's getAuthConfigKey gives Hub the legacy v1 URL and anything else its host[:port]; like
 * ConvertToHostname, a URL-shaped name (`https://host:5000/v2/`) is reduced to host[:port] first.
 * Hub is recognised by any of its names in any case; other hosts keep their case, as in docker.
 */
export function credentialKey(registry: string): string {
  const host = convertToHostname(registry);
  return isDockerHubHost(host) ? DOCKER_HUB_CREDENTIAL_KEY : host;
}

/**
 * Turn a `login SERVER` / `logout SERVER` argument into a logical registry name: drops an
 * http(s) scheme and any path (`https://index.docker.io/v1/` -> `docker.io`), maps the Hub
 * aliases (in any case) to `docker.io`, keeps the port and the case of everything else.
 */
export function normalizeRegistryHost(input: string): string {
  let rest = input;
  const scheme = /^(https?):\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const host = slash >= 0 ? rest.slice(0, slash) : rest;
  if (!isValidDomain(host)) throw new InvalidReferenceError(invalidHostMessage(input));
  return isDockerHubHost(host) ? DOCKER_HUB : host;
}

function invalidHostMessage(input: string): string {
  // `https://user:secret@host` is garbage too, but must not be echoed back.
  if (input.includes('@')) return 'invalid registry address: credentials must not be part of the address';
  return `invalid registry address (${input})`;
}

/** Split `host[:port]` / `[v6]:port` into the bare host, without brackets. */
function hostOnly(registry: string): string {
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    return close > 0 ? registry.slice(1, close) : registry;
  }
  const colon = registry.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  if (colon >= 0 && registry.indexOf(':', colon + 1) < 0) return registry.slice(0, colon);
  return registry;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isLoopbackIPv4(host: string): boolean {
  const m = IPV4.exec(host);
  if (!m) return false;
  const octets = m.slice(1);
  // Go's net.ParseIP (what docker uses) rejects leading zeros and octets over 255.
  if (octets.some((o) => (o.length > 1 && o.startsWith('0')) || Number(o) > 255)) return false;
  return octets[0] === '127';
}

function isLoopbackIPv6(host: string): boolean {
  if (!host.includes(':') || !/^[0-9a-fA-F:.]+$/.test(host)) return false;
  let canonical: string;
  try {
    // The WHATWG URL parser canonicalises IPv6 (`0:0::0001` -> `::1`, mapped IPv4 -> hex).
    canonical = new URL(`http://[${host}]/`).hostname;
  } catch {
    return false;
  }
  if (canonical === '[::1]') return true;
  // IPv4-mapped loopback (::ffff:127.x.y.z), which Go also counts as loopback.
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/**
 * True for registries on this machine (127.0.0.0/8, ::1, localhost, with or without a port):
 * docker talks plain HTTP to those without being told the registry is insecure.
 * No DNS lookup is made: only the literal name `localhost` counts.
 */
export function isLoopbackHost(registry: string): boolean {
  const host = hostOnly(registry).toLowerCase();
  // RFC 6761: `localhost` and every name under it are loopback names.
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isLoopbackIPv4(host) || isLoopbackIPv6(host);
}
