// Per-registry TLS settings the way docker finds them: certs.d/<host[:port]>/ holds
// `*.crt` extra CAs and `<name>.cert` + `<name>.key` client pairs.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { RegctlError } from '../errors.js';
import { defaultCertsDirs } from './certs-dirs.js';

export interface TlsOptions {
  /** Complete CA list (system roots + extras); undefined = Node's defaults. */
  ca?: string[];
  cert?: string;
  key?: string;
  /** For registries marked insecure: accept any certificate. */
  insecureSkipVerify?: boolean;
}

export { defaultCertsDirs };

/** Directory names docker accepts for a host: `[::1]:5000` is stored as `[::1]:5000` (and `::1:5000` on some setups). */
function hostDirNames(registry: string): string[] {
  const names = [registry];
  const m = /^\[(.+)\](:\d+)?$/.exec(registry);
  if (m) names.push(`${m[1]}${m[2] ?? ''}`);
  return names;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw new RegctlError('REGCTL_IO', `cannot read certificate directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

let extraCaCache: string[] | undefined;
/** Node drops NODE_EXTRA_CA_CERTS once an explicit `ca` list is given, so add it back ourselves. */
async function extraSystemCas(env: NodeJS.ProcessEnv): Promise<string[]> {
  if (extraCaCache) return extraCaCache;
  const file = env.NODE_EXTRA_CA_CERTS;
  extraCaCache = file ? [await readFile(file, 'utf8').catch(() => '')].filter(Boolean) : [];
  return extraCaCache;
}

/**
 * Loads the TLS settings for one registry from the certs.d directories.
 * Returns undefined when nothing special applies (Node's defaults are used).
 */
export async function loadRegistryTls(
  registry: string,
  opts: { certsDirs?: string[]; insecure?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<TlsOptions | undefined> {
  const env = opts.env ?? process.env;
  const dirs = opts.certsDirs ?? defaultCertsDirs(env);
  const cas: string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  for (const base of dirs) {
    for (const name of hostDirNames(registry)) {
      const dir = join(base, name);
      const files = await listDir(dir);
      for (const f of files) {
        if (f.endsWith('.crt')) cas.push(await readFile(join(dir, f), 'utf8'));
      }
      for (const f of files.filter((x) => x.endsWith('.cert'))) {
        const keyFile = f.slice(0, -'.cert'.length) + '.key';
        if (!files.includes(keyFile)) {
          throw new RegctlError('REGCTL_TLS', `missing key ${keyFile} for client certificate ${join(dir, f)}. CA certificates must use the extension .crt`);
        }
        cert ??= await readFile(join(dir, f), 'utf8');
        key ??= await readFile(join(dir, keyFile), 'utf8');
      }
      for (const f of files.filter((x) => x.endsWith('.key'))) {
        if (!files.includes(f.slice(0, -'.key'.length) + '.cert')) {
          throw new RegctlError('REGCTL_TLS', `missing client certificate for key ${join(dir, f)}`);
        }
      }
    }
  }
  if (cas.length === 0 && !cert && !opts.insecure) return undefined;
  const tls: TlsOptions = {};
  if (cas.length > 0) tls.ca = [...rootCertificates, ...(await extraSystemCas(env)), ...cas];
  if (cert && key) {
    tls.cert = cert;
    tls.key = key;
  }
  if (opts.insecure) tls.insecureSkipVerify = true;
  return tls;
}
