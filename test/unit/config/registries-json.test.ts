import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistriesSettings, mergeMirrors, parseRegistriesJson, registriesJsonPath } from '../../../src/config/registries-json.js';

describe('registries.json', () => {
  it('lives in $XDG_CONFIG_HOME/regctl unless REGCTL_REGISTRIES_JSON says otherwise', () => {
    expect(registriesJsonPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/regctl/registries.json');
    expect(registriesJsonPath({ HOME: '/h' })).toBe('/h/.config/regctl/registries.json');
    expect(registriesJsonPath({ REGCTL_REGISTRIES_JSON: '/f.json' })).toBe('/f.json');
  });

  it('reads mirrors per registry and insecure-registries; a missing file is empty', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'regjson-'));
    const file = path.join(dir, 'r.json');
    expect(await loadRegistriesSettings({ REGCTL_REGISTRIES_JSON: file })).toEqual({ mirrors: {}, insecureRegistries: [], file: undefined });
    await writeFile(file, JSON.stringify({ mirrors: { 'quay.io': ['https://q'] }, 'insecure-registries': ['q:5000'] }));
    expect(await loadRegistriesSettings({ REGCTL_REGISTRIES_JSON: file })).toEqual({ mirrors: { 'quay.io': ['https://q'] }, insecureRegistries: ['q:5000'], file });
  });

  it('rejects wrong shapes with the file named', () => {
    expect(() => parseRegistriesJson('{"mirrors":["x"]}', '/f')).toThrow(/invalid \/f: "mirrors" must map a registry name/);
    expect(() => parseRegistriesJson('{"mirrors":{"a":"x"}}', '/f')).toThrow(/"mirrors"."a" must be a list of URLs/);
    expect(() => parseRegistriesJson('[', '/f')).toThrow(/cannot parse \/f/);
  });

  it('merges flags (URL = Docker Hub, REGISTRY=URL = that registry), then daemon.json, then the file', () => {
    expect(mergeMirrors(['http://f1', 'quay.io=https://qf', 'http://h/?a=b'], ['https://d1'], { 'docker.io': ['https://r1'], 'quay.io': ['https://qr'] })).toEqual({
      'docker.io': ['http://f1', 'http://h/?a=b', 'https://d1', 'https://r1'],
      'quay.io': ['https://qf', 'https://qr'],
    });
  });
});
