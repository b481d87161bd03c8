// Where per-registry certificates are looked for, apart from tls.ts so that the composition root
// (session.ts) can name the directories without loading node:tls before a registry is contacted.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where docker (root and rootless) and regctl look for per-host certificates, in order. */
export function defaultCertsDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const xdgConfig = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [join(xdgConfig, 'regctl', 'certs.d'), join(xdgConfig, 'docker', 'certs.d'), '/etc/docker/certs.d'];
}
