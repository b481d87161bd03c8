// Where docker keeps its client configuration, resolved exactly as the docker CLI does:
// `--config DIR` beats $DOCKER_CONFIG beats ~/.docker. An empty value counts as unset.
import os from 'node:os';
import path from 'node:path';

export const CONFIG_FILE_NAME = 'config.json';
/** Pre-1.7 docker kept credentials in ~/.dockercfg; still read as a fallback. */
export const LEGACY_CONFIG_FILE_NAME = '.dockercfg';

export interface ConfigDirOptions {
  /** Value of the global `--config DIR` flag, if given. */
  configDirFlag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Home directory; defaults to $HOME of `env`, then os.homedir(). */
  homedir?: string | undefined;
}

/** Home directory as docker sees it: $HOME (or %USERPROFILE%) before the passwd entry. */
export function homeDir(env: NodeJS.ProcessEnv = process.env, homedir?: string): string {
  return homedir || env.HOME || env.USERPROFILE || os.homedir();
}

/** Absolute path of the docker config directory. */
export function configDir(options: ConfigDirOptions = {}): string {
  const env = options.env ?? process.env;
  if (options.configDirFlag) return path.resolve(options.configDirFlag);
  if (env.DOCKER_CONFIG) return path.resolve(env.DOCKER_CONFIG);
  return path.join(homeDir(env, options.homedir), '.docker');
}

/** `<dir>/config.json`. */
export function configFilePath(dir: string): string {
  return path.join(dir, CONFIG_FILE_NAME);
}

/** `~/.dockercfg`: docker only ever looked for it in the home directory, never in DOCKER_CONFIG. */
export function legacyConfigFilePath(options: Pick<ConfigDirOptions, 'env' | 'homedir'> = {}): string {
  return path.join(homeDir(options.env ?? process.env, options.homedir), LEGACY_CONFIG_FILE_NAME);
}
