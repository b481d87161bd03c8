// Which registries the user marked insecure (plain HTTP and unverified TLS allowed): host[:port]
// or CIDR entries. Loopback registries are allowed plain HTTP too: isLoopbackHost in reference/hosts.ts.
import { BlockList, isIP } from 'node:net';

function splitHostPort(registry: string): { host: string; port: string | undefined } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(registry);
  if (v6) return { host: v6[1] ?? '', port: v6[2] };
  const i = registry.lastIndexOf(':');
  if (i > 0 && registry.indexOf(':') === i) return { host: registry.slice(0, i), port: registry.slice(i + 1) };
  return { host: registry, port: undefined };
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
