import { describe, expect, it } from 'vitest';
import { changesConfig, describeChanges, editConfig } from '../../../../src/ops/mutate/config-edit.js';
import { editImageManifest, editIndex } from '../../../../src/ops/mutate/manifest-edit.js';

const base = {
  architecture: 'amd64',
  'x-unknown': { kept: [1, 2] },
  os: 'linux',
  created: '2024-01-01T00:00:00Z',
  config: { Env: ['PATH=/usr/bin', 'A=1', 'B=2'], Cmd: ['sh'], Labels: { keep: 'me', drop: 'x' }, StopSignal: 'SIGTERM' },
  rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
  history: [{ created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' }],
};
const bytes = Buffer.from(JSON.stringify(base));
const edit = (changes: Parameters<typeof editConfig>[1], b: Uint8Array = bytes) => JSON.parse(editConfig(b, changes).bytes.toString());

describe('editConfig', () => {
  it('changes only what is asked: unknown fields and their order kept', () => {
    const out = edit({ user: 'app' });
    expect(Object.keys(out)).toEqual(Object.keys(base));
    expect(out['x-unknown']).toEqual({ kept: [1, 2] });
    expect(out.config).toEqual({ ...base.config, User: 'app' });
    expect(out.created).toBe(base.created);
    expect(out.rootfs).toEqual(base.rootfs);
  });

  it('env: replaces in place, appends new ones, removes KEY-', () => {
    expect(edit({ env: { A: 'x', C: '3', B: null } }).config.Env).toEqual(['PATH=/usr/bin', 'A=x', 'C=3']);
  });

  it('labels, workdir, exposed ports', () => {
    const out = edit({ labels: { new: 'v', drop: null }, workdir: '/srv', exposedPorts: ['8080/tcp', '53/udp'] });
    expect(out.config.Labels).toEqual({ keep: 'me', new: 'v' });
    expect(out.config.WorkingDir).toBe('/srv');
    expect(out.config.ExposedPorts).toEqual({ '8080/tcp': {}, '53/udp': {} });
  });

  it("entrypoint resets the base's Cmd unless cmd is given (docker's rule); shell form is /bin/sh -c", () => {
    expect(edit({ entrypoint: ['/app'] }).config).not.toHaveProperty('Cmd');
    const both = edit({ entrypoint: 'exec app', cmd: ['--port', '80'] }).config;
    expect(both.Entrypoint).toEqual(['/bin/sh', '-c', 'exec app']);
    expect(both.Cmd).toEqual(['--port', '80']);
    expect(edit({ cmd: null }).config).not.toHaveProperty('Cmd');
  });

  it('appends an empty_layer history entry describing the change, with created when given', () => {
    const out = edit({ env: { A: '9' }, created: '2025-02-03T04:05:06Z' });
    expect(out.created).toBe('2025-02-03T04:05:06Z');
    expect(out.history).toEqual([base.history[0], { created: '2025-02-03T04:05:06Z', created_by: 'regctl mutate --env A=9 --created 2025-02-03T04:05:06Z', empty_layer: true }]);
    const noHistory = Buffer.from(JSON.stringify({ ...base, history: undefined }));
    expect(edit({ user: 'x' }, noHistory)).not.toHaveProperty('history');
  });

  it('is deterministic and Go-marshalled (HTML escaped)', () => {
    const a = editConfig(bytes, { labels: { l: '<b>&' } }).bytes;
    expect(a.equals(editConfig(bytes, { labels: { l: '<b>&' } }).bytes)).toBe(true);
    expect(a.toString()).toContain('"l":"\\u003cb\\u003e\\u0026"');
  });

  it('a config without runtime settings gets them', () => {
    const bare = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    expect(edit({ cmd: 'run' }, bare).config).toEqual({ Cmd: ['/bin/sh', '-c', 'run'] });
    expect(edit({ created: '2024-01-01T00:00:00Z' }, bare)).not.toHaveProperty('config');
  });

  it('changesConfig / describeChanges', () => {
    expect(changesConfig({})).toBe(false);
    expect(changesConfig({ env: {} })).toBe(false);
    expect(changesConfig({ workdir: '' })).toBe(true);
    expect(describeChanges({ entrypoint: ['/a'], cmd: 'x y', labels: { k: null }, exposedPorts: ['80/tcp'] })).toBe('regctl mutate --entrypoint ["/a"] --cmd "x y" --label k- --expose 80/tcp');
  });
});

describe('manifest edits', () => {
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: 'sha256:' + '1'.repeat(64) },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 5, digest: 'sha256:' + '2'.repeat(64) }],
    }),
  );
  it('points the manifest at the new config, media types and layers kept, annotations set/removed', () => {
    const out = JSON.parse(editImageManifest(manifest, { config: { digest: 'sha256:' + '3'.repeat(64), size: 9 }, annotations: { a: '1', b: null } }).toString());
    expect(out.config).toEqual({ mediaType: 'application/vnd.docker.container.image.v1+json', size: 9, digest: 'sha256:' + '3'.repeat(64) });
    expect(out.layers).toEqual(JSON.parse(manifest.toString()).layers);
    expect(out.annotations).toEqual({ a: '1' });
    expect(JSON.parse(editImageManifest(manifest, { annotations: { b: null } }).toString())).not.toHaveProperty('annotations');
  });
  it('an index names the new children, platforms kept, dropped entries left out', () => {
    const d = (c: string) => 'sha256:' + c.repeat(64);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('b'), size: 2, platform: { os: 'linux', architecture: 'arm64' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('c'), size: 3, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
        ],
      }),
    );
    const out = JSON.parse(editIndex(index, new Map([[d('a'), { digest: d('d'), size: 4 }], [d('b'), { digest: d('e'), size: 5 }], [d('c'), null]]), { x: 'y' }).toString());
    expect(out.manifests).toEqual([
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('d'), size: 4, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('e'), size: 5, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    expect(out.annotations).toEqual({ x: 'y' });
  });
});
