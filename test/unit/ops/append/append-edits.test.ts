import { describe, expect, it } from 'vitest';
import { parseChown, appendOptionsOf } from '../../../../src/cli/actions/append.js';
import { appendLayersToConfig } from '../../../../src/ops/append/config-layers.js';
import { layerDestination, parseLayerFlag } from '../../../../src/ops/append.js';
import { editImageManifest } from '../../../../src/ops/mutate/manifest-edit.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const base = {
  architecture: 'amd64',
  'x-unknown': 1,
  os: 'linux',
  created: '2024-01-01T00:00:00Z',
  config: { Cmd: ['sh'] },
  rootfs: { type: 'layers', diff_ids: [d('a')] },
  history: [{ created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' }],
};

describe('appendLayersToConfig', () => {
  it('adds diff_ids and paired history entries, sets created, keeps the rest and its order', () => {
    const out = JSON.parse(appendLayersToConfig(Buffer.from(JSON.stringify(base)), [{ diffId: d('b'), createdBy: 'one' }, { diffId: d('c'), createdBy: 'two' }], '2025-02-03T04:05:06Z').toString());
    expect(Object.keys(out)).toEqual(Object.keys(base));
    expect(out.rootfs).toEqual({ type: 'layers', diff_ids: [d('a'), d('b'), d('c')] });
    expect(out.history.slice(1)).toEqual([{ created: '2025-02-03T04:05:06Z', created_by: 'one' }, { created: '2025-02-03T04:05:06Z', created_by: 'two' }]);
    expect(out.created).toBe('2025-02-03T04:05:06Z');
    expect(out.config).toEqual(base.config);
  });

  it('a base without history gets none; one without rootfs gets one; not JSON is REGCTL_INVALID_CONFIG', () => {
    const { history: _h, rootfs: _r, ...bare } = base;
    const out = JSON.parse(appendLayersToConfig(Buffer.from(JSON.stringify(bare)), [{ diffId: d('b'), createdBy: 'x' }], '2025-01-01T00:00:00Z').toString());
    expect(out.history).toBeUndefined();
    expect(out.rootfs).toEqual({ type: 'layers', diff_ids: [d('b')] });
    expect(() => appendLayersToConfig(Buffer.from('nope'), [], 'x')).toThrow(expect.objectContaining({ code: 'REGCTL_INVALID_CONFIG' }));
  });

  it('is byte-for-byte reproducible (Go json.Marshal form)', () => {
    const a = appendLayersToConfig(Buffer.from(JSON.stringify(base)), [{ diffId: d('b'), createdBy: '<x>' }], '2025-01-01T00:00:00Z');
    const b = appendLayersToConfig(Buffer.from(JSON.stringify(base, null, 2)), [{ diffId: d('b'), createdBy: '<x>' }], '2025-01-01T00:00:00Z');
    expect(a.equals(b)).toBe(true);
    expect(a.toString()).toContain('\\u003cx\\u003e');
  });
});

describe('editImageManifest with layers', () => {
  it('appends the layer descriptors after the base ones, in Go field order', () => {
    const m = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'c', digest: d('0'), size: 1 }, layers: [{ mediaType: 'l', digest: d('1'), size: 2 }] };
    const out = JSON.parse(editImageManifest(Buffer.from(JSON.stringify(m)), { layers: [{ size: 9, digest: d('2'), mediaType: 'g' }], annotations: { k: 'v' } }).toString());
    expect(out.layers).toEqual([m.layers[0], { mediaType: 'g', digest: d('2'), size: 9 }]);
    expect(Object.keys(out.layers[1])).toEqual(['mediaType', 'digest', 'size']);
    expect(out.annotations).toEqual({ k: 'v' });
    expect(() => editImageManifest(Buffer.from('{"config":{}}'), { layers: [{ mediaType: 'g', digest: d('2'), size: 1 }] })).toThrow(expect.objectContaining({ code: 'REGCTL_INVALID_MANIFEST' }));
  });
});

describe('append flags', () => {
  it('--layer PATH[:DEST]: DEST after the last colon when absolute, normalised', () => {
    expect(parseLayerFlag('dist')).toEqual({ path: 'dist' });
    expect(parseLayerFlag('dist:/app/')).toEqual({ path: 'dist', dest: '/app' });
    expect(parseLayerFlag('a:b/c:/srv//x/../y')).toEqual({ path: 'a:b/c', dest: '/srv/y' });
    expect(parseLayerFlag('dir:relative')).toEqual({ path: 'dir:relative' });
    expect(layerDestination(undefined)).toBe('/');
    expect(layerDestination('/')).toBe('/');
    expect(() => layerDestination('app')).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
    expect(() => parseLayerFlag('')).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
  });

  it('--chown UID[:GID], numeric; a lone UID is the GID too', () => {
    expect(parseChown('1000')).toEqual({ uid: 1000, gid: 1000 });
    expect(parseChown('0:42')).toEqual({ uid: 0, gid: 42 });
    for (const bad of ['app', '1000:app', '-1', '1:2:3', '99999999999']) expect(() => parseChown(bad), bad).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
  });

  it('SOURCE_DATE_EPOCH becomes the timestamp; a bad one is a usage error', () => {
    expect(appendOptionsOf({ layer: ['d'] }, { SOURCE_DATE_EPOCH: '1704067200' }).timestamp?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(appendOptionsOf({ layer: ['d'] }, { SOURCE_DATE_EPOCH: '' }).timestamp).toBeUndefined();
    expect(() => appendOptionsOf({ layer: ['d'] }, { SOURCE_DATE_EPOCH: 'soon' })).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
  });
});
