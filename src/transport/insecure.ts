// Which registries may be reached over plain HTTP (and without certificate checks):
// docker's rule is loopback always, plus what the user lists as host[:port] or CIDR.
import { BlockList, isIP } from 'node:net';

function splitHostPort(registry: string): { host: string; port: string | undefined } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(registry);
  if (v6) return { host: v6[1] ?? '', port: v6[2] };
  const i = registry.lastIndexOf(':');
  if (i > 0 && registry.indexOf(':') === i) return { host: registry.slice(0, i), port: registry.slice(i + 1) };
  return { host: registry, port: undefined };
}

export function isLoopbackRegistry(registry: string): boolean {
  const { host } = splitHostPort(registry.toLowerCase());
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/** True when the user marked this registry insecure (exact host[:port], bare host, or a CIDR containing its IP). */
export function isMarkedInsecure(registry: string, insecure: readonly string[]): boolean {
  const reg = registry.toLowerCase();
  const { host } = splitHostPort(reg);
  for (const raw of insecure) {
    const entry = raw.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (!entry) continue;
    if (entry === reg || entry === host) return true;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    const family = isIP(host);
    if (cidr && family !== 0 && isIP(cidr[1] ?? '') === family) {
      const list = new BlockList();
      const type = family === 4 ? 'ipv4' : 'ipv6';
      list.addSubnet(cidr[1] ?? '', Number(cidr[2]), type);
      if (list.check(host, type)) return true;
    }
  }
  return false;
}
