import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDir, configFilePath, legacyConfigFilePath } from '../../../src/config/paths.js';

describe('configDir', () => {
  const env = { HOME: '/home/alice', DOCKER_CONFIG: '/etc/docker-cfg' };

  it('prefers --config over $DOCKER_CONFIG over ~/.docker', () => {
    expect(configDir({ configDirFlag: '/flag/dir', env })).toBe('/flag/dir');
    expect(configDir({ env })).toBe('/etc/docker-cfg');
    expect(configDir({ env: { HOME: '/home/alice' } })).toBe('/home/alice/.docker');
  });

  it('treats an empty DOCKER_CONFIG as unset and honours an explicit homedir', () => {
    expect(configDir({ env: { DOCKER_CONFIG: '', HOME: '/home/alice' } })).toBe('/home/alice/.docker');
    expect(configDir({ env: {}, homedir: '/home/bob' })).toBe('/home/bob/.docker');
  });

  it('makes a relative --config absolute so errors name a real path', () => {
    expect(configDir({ configDirFlag: 'rel/dir', env })).toBe(path.resolve('rel/dir'));
  });
});

describe('config file paths', () => {
  it('config.json lives in the directory; .dockercfg always in the home directory', () => {
    expect(configFilePath('/x/.docker')).toBe('/x/.docker/config.json');
    expect(legacyConfigFilePath({ env: { HOME: '/home/alice', DOCKER_CONFIG: '/elsewhere' } })).toBe('/home/alice/.dockercfg');
  });
});
