import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStorePath } from '../../../src/store/store-path.js';

describe('defaultStorePath', () => {
  const env = { HOME: '/home/alice', REGCTL_STORE: '/srv/store', XDG_DATA_HOME: '/home/alice/.data' };

  it('prefers --store over $REGCTL_STORE over $XDG_DATA_HOME/regctl over ~/.local/share/regctl', () => {
    expect(defaultStorePath({ flag: '/flag/store', env })).toBe('/flag/store');
    expect(defaultStorePath({ env })).toBe('/srv/store');
    expect(defaultStorePath({ env: { HOME: '/home/alice', XDG_DATA_HOME: '/home/alice/.data' } })).toBe('/home/alice/.data/regctl');
    expect(defaultStorePath({ env: { HOME: '/home/alice' } })).toBe('/home/alice/.local/share/regctl');
  });

  it('treats empty values as unset, ignores a relative XDG_DATA_HOME (XDG spec) and honours homedir', () => {
    expect(defaultStorePath({ flag: '', env: { REGCTL_STORE: '', XDG_DATA_HOME: '', HOME: '/h' } })).toBe('/h/.local/share/regctl');
    expect(defaultStorePath({ env: { XDG_DATA_HOME: 'relative/data', HOME: '/h' } })).toBe('/h/.local/share/regctl');
    expect(defaultStorePath({ env: {}, homedir: '/home/bob' })).toBe('/home/bob/.local/share/regctl');
  });

  it('makes relative --store and REGCTL_STORE absolute', () => {
    expect(defaultStorePath({ flag: 'rel/store', env: {} })).toBe(path.resolve('rel/store'));
    expect(defaultStorePath({ env: { REGCTL_STORE: 'rel/env' } })).toBe(path.resolve('rel/env'));
  });
});
