// An environment with a machine of its own under `dir`: config dir, daemon.json, registries.json
// and the XDG dirs all inside it, so nothing of the real HOME or /etc/docker leaks into a test.
import path from 'node:path';

export function isolatedMachineEnv(dir: string): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    DOCKER_CONFIG: path.join(dir, 'docker'),
    DOCKER_AUTH_CONFIG: '',
    XDG_CONFIG_HOME: path.join(dir, 'xdg'),
    XDG_DATA_HOME: path.join(dir, 'data'),
    REGCTL_STORE: '',
    REGCTL_DAEMON_JSON: path.join(dir, 'daemon.json'),
    REGCTL_REGISTRIES_JSON: path.join(dir, 'registries.json'),
  };
}
