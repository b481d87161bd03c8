// regctl's own per-registry settings, beyond what docker's daemon.json can say: mirrors for
// any registry (daemon.json's `registry-mirrors` is Docker Hub only, and dockerd refuses to
// start on keys it does not know, so regctl's extensions live in a file of their own).
//
//   $XDG_CONFIG_HOME/regctl/registries.json   (REGCTL_REGISTRIES_JSON replaces the path)
//   {
//     "mirrors": { "quay.io": ["https://quay-mirror.example"], "docker.io": ["http://127.0.0.1:5001"] },
//     "insecure-registries": ["127.0.0.1:5001"]
//   }
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export interface RegistriesSettings {
  /** Registry name -> mirror URLs, in the order to try. */
  mirrors: Record<string, string[]>;
  insecureRegistries: string[];
  /** The file read, if it existed. */
  file: string | undefined;
}

export function registriesJsonPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REGCTL_REGISTRIES_JSON) return env.REGCTL_REGISTRIES_JSON;
  const xdgConfig = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(xdgConfig, 'regctl', 'registries.json');
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function parseRegistriesJson(text: string, file: string): RegistriesSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`cannot parse ${file}: ${(err as Error).message}`, { file, cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`cannot parse ${file}: not a JSON object`, { file });
  const obj = json as Record<string, unknown>;
  const mirrors: Record<string, string[]> = {};
  const rawMirrors = obj.mirrors ?? {};
  if (typeof rawMirrors !== 'object' || rawMirrors === null || Array.isArray(rawMirrors)) {
    throw new ConfigError(`invalid ${file}: "mirrors" must map a registry name to a list of mirror URLs`, { file });
  }
  for (const [registry, urls] of Object.entries(rawMirrors as Record<string, unknown>)) {
    if (!isStringList(urls)) throw new ConfigError(`invalid ${file}: "mirrors"."${registry}" must be a list of URLs`, { file });
    mirrors[registry] = urls;
  }
  const insecure = obj['insecure-registries'] ?? [];
  if (!isStringList(insecure)) throw new ConfigError(`invalid ${file}: "insecure-registries" must be a list of strings`, { file });
  return { mirrors, insecureRegistries: insecure, file };
}

/** Synchronous for the same reason as daemon-json.ts readDaemonSettings. */
export function readRegistriesSettings(env: NodeJS.ProcessEnv = process.env): RegistriesSettings {
  const file = registriesJsonPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { mirrors: {}, insecureRegistries: [], file: undefined };
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`, { file, cause: err });
  }
  return parseRegistriesJson(text, file);
}

export async function loadRegistriesSettings(env: NodeJS.ProcessEnv = process.env): Promise<RegistriesSettings> {
  return readRegistriesSettings(env);
}

/**
 * All mirror sources merged, in priority order: `--registry-mirror` flags (`URL` is a Docker Hub
 * mirror as in docker; `REGISTRY=URL` mirrors any registry), daemon.json `registry-mirrors`
 * (Docker Hub), then registries.json.
 */
export function mergeMirrors(flags: readonly string[], daemonHubMirrors: readonly string[], file: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (registry: string, url: string) => (out[registry] ??= []).push(url);
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    // `=` before any `://` separates a registry name; a URL's own query would come after it.
    if (eq > 0 && !flag.slice(0, eq).includes('/')) add(flag.slice(0, eq), flag.slice(eq + 1));
    else add('docker.io', flag);
  }
  for (const url of daemonHubMirrors) add('docker.io', url);
  for (const [registry, urls] of Object.entries(file)) for (const url of urls) add(registry, url);
  return out;
}
