// docker's daemon.json, read for the client-side settings it carries: `insecure-registries`
// (and `registry-mirrors`, used by pulls). regctl never writes it.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export interface DaemonSettings {
  insecureRegistries: string[];
  registryMirrors: string[];
  /** Files that were found and read, in order. */
  files: string[];
}

/** System file first, then the user's (rootless docker's location); REGCTL_DAEMON_JSON replaces both. */
export function daemonJsonPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.REGCTL_DAEMON_JSON !== undefined) return env.REGCTL_DAEMON_JSON.split(':').filter(Boolean);
  const xdgConfig = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return ['/etc/docker/daemon.json', join(xdgConfig, 'docker', 'daemon.json')];
}

function stringList(value: unknown, key: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigError(`invalid ${file}: "${key}" must be a list of strings`, { file });
  }
  return value as string[];
}

/**
 * Reads the files synchronously: they are a few hundred bytes, usually absent, and the library's
 * `RegistryClient.remote` must be built on demand without a promise. Throws ConfigError when one
 * exists but is unusable (dockerd refuses to start on it too).
 */
export function readDaemonSettings(env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  const result: DaemonSettings = { insecureRegistries: [], registryMirrors: [], files: [] };
  for (const file of daemonJsonPaths(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`, { file, cause: err });
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot parse ${file}: ${(err as Error).message}`, { file, cause: err });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ConfigError(`cannot parse ${file}: not a JSON object`, { file });
    }
    result.insecureRegistries.push(...stringList(json['insecure-registries'], 'insecure-registries', file));
    result.registryMirrors.push(...stringList(json['registry-mirrors'], 'registry-mirrors', file));
    result.files.push(file);
  }
  return result;
}

export async function loadDaemonSettings(env: NodeJS.ProcessEnv = process.env): Promise<DaemonSettings> {
  return readDaemonSettings(env);
}
