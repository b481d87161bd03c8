// Which proxy, if any, a request goes through: HTTP_PROXY for http:// URLs, HTTPS_PROXY for
// https:// URLs (lower-case names win, as in curl and Go), unless NO_PROXY excludes the host.
// NO_PROXY follows Go's httpproxy (what docker uses): comma- or space-separated entries, `*` for
// everything, `host` matching the host and its subdomains, `.host` / `*.host` matching only
// subdomains, an optional `:port`, IP addresses and CIDR blocks.
import { BlockList, isIP } from 'node:net';

export interface ProxySettings {
  httpProxy?: URL;
  httpsProxy?: URL;
  noProxy: string;
}

function parseProxy(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    // A bare `host:port` (common in the wild) means an HTTP proxy.
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return undefined;
  }
}

export function proxySettingsFrom(env: NodeJS.ProcessEnv): ProxySettings {
  const httpProxy = parseProxy(env.http_proxy ?? env.HTTP_PROXY);
  const httpsProxy = parseProxy(env.https_proxy ?? env.HTTPS_PROXY);
  return { ...(httpProxy ? { httpProxy } : {}), ...(httpsProxy ? { httpsProxy } : {}), noProxy: env.no_proxy ?? env.NO_PROXY ?? '' };
}

/** The proxy for `url`, or undefined to connect directly. */
export function proxyFor(url: URL, settings: ProxySettings): URL | undefined {
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return bypassed(host, port, settings.noProxy) ? undefined : proxy;
}

function bypassed(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    const m = /^(\[[^\]]+\]|[^:]+|[0-9a-f:]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    let name = m[1]!.replace(/^\[|\]$/g, '');
    const entryPort = isIP(entry) === 6 ? undefined : m[2];
    if (isIP(entry) === 6) name = entry;
    if (entryPort && entryPort !== port) continue;
    if (name.startsWith('*.')) name = name.slice(1);
    if (name.startsWith('.')) {
      if (host.endsWith(name)) return true;
    } else if (host === name || host.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const family = isIP(host);
  if (!family) return false;
  const [net, bits] = cidr.split('/');
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (!net || bits === undefined || isIP(net) !== family) return false;
  try {
    const list = new BlockList();
    list.addSubnet(net, Number(bits), type);
    return list.check(host, type);
  } catch {
    return false;
  }
}
