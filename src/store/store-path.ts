// Where the local image store lives: `--store DIR` beats $REGCTL_STORE beats
// $XDG_DATA_HOME/regctl beats ~/.local/share/regctl (the XDG base-directory default).
// An empty value counts as unset, as docker does for DOCKER_CONFIG.
import path from 'node:path';
import { homeDir } from '../config/paths.js';

export const STORE_ENV = 'REGCTL_STORE';

export interface StorePathOptions {
  /** Value of the global `--store DIR` flag, if given. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Home directory; defaults to $HOME of `env`, then os.homedir(). */
  homedir?: string | undefined;
}

/** Absolute path of the store directory. */
export function defaultStorePath(options: StorePathOptions = {}): string {
  const env = options.env ?? process.env;
  if (options.flag) return path.resolve(options.flag);
  if (env[STORE_ENV]) return path.resolve(env[STORE_ENV]);
  // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'regctl');
  return path.join(homeDir(env, options.homedir), '.local', 'share', 'regctl');
}
