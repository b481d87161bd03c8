import { describe, expect, it } from 'vitest';
import { parseImageConfig, parseManifest } from '../../../src/oci/manifest.js';
import {
  DOCKER_CONTAINER_CONFIG,
  DOCKER_LAYER_TAR_GZIP,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_V1_SIGNED,
  DOCKER_MANIFEST_V2,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  OCI_LAYER_TAR_GZIP,
} from '../../../src/oci/media-types.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

const ociManifest = {
  schemaVersion: 2,
  mediaType: OCI_IMAGE_MANIFEST,
  config: { mediaType: OCI_IMAGE_CONFIG, digest: D1, size: 123 },
  layers: [{ mediaType: OCI_LAYER_TAR_GZIP, digest: D2, size: 4567, annotations: { a: 'b' } }],
  annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
};

const dockerManifest = {
  schemaVersion: 2,
  mediaType: DOCKER_MANIFEST_V2,
  config: { mediaType: DOCKER_CONTAINER_CONFIG, digest: D1, size: 1 },
  layers: [{ mediaType: DOCKER_LAYER_TAR_GZIP, digest: D2, size: 2 }],
};

const ociIndex = {
  schemaVersion: 2,
  mediaType: OCI_IMAGE_INDEX,
  manifests: [
    { mediaType: OCI_IMAGE_MANIFEST, digest: D1, size: 10, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: OCI_IMAGE_MANIFEST, digest: D2, size: 11, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: OCI_IMAGE_MANIFEST, digest: D3, size: 12, platform: { os: 'unknown', architecture: 'unknown' } },
  ],
};

const { mediaType: _m, ...ociManifestNoType } = ociManifest;
const { mediaType: _i, ...ociIndexNoType } = ociIndex;
const { mediaType: _d, ...dockerManifestNoType } = dockerManifest;

describe('parseManifest: media type detection', () => {
  it('reads an OCI image manifest', () => {
    const parsed = parseManifest(bytes(ociManifest));
    expect(parsed.kind).toBe('image');
    expect(parsed.mediaType).toBe(OCI_IMAGE_MANIFEST);
    if (parsed.kind !== 'image') throw new Error('unreachable');
    expect(parsed.manifest.config.digest).toBe(D1);
    expect(parsed.manifest.layers[0]?.size).toBe(4567);
  });

  it('reads a Docker schema 2 manifest and a Docker manifest list', () => {
    expect(parseManifest(bytes(dockerManifest))).toMatchObject({ kind: 'image', mediaType: DOCKER_MANIFEST_V2 });
    const list = { ...ociIndex, mediaType: DOCKER_MANIFEST_LIST };
    const parsed = parseManifest(bytes(list));
    expect(parsed).toMatchObject({ kind: 'index', mediaType: DOCKER_MANIFEST_LIST });
    if (parsed.kind !== 'index') throw new Error('unreachable');
    expect(parsed.index.manifests).toHaveLength(3);
  });

  it('prefers the body mediaType over the Content-Type', () => {
    expect(parseManifest(bytes(ociIndex), OCI_IMAGE_MANIFEST)).toMatchObject({ kind: 'index', mediaType: OCI_IMAGE_INDEX });
  });

  it('uses the Content-Type (parameters ignored) when the body has no mediaType', () => {
    expect(parseManifest(bytes(dockerManifestNoType), `${DOCKER_MANIFEST_V2}; charset=utf-8`)).toMatchObject({
      kind: 'image',
      mediaType: DOCKER_MANIFEST_V2,
    });
    expect(parseManifest(bytes(ociIndexNoType), DOCKER_MANIFEST_LIST)).toMatchObject({
      kind: 'index',
      mediaType: DOCKER_MANIFEST_LIST,
    });
  });

  it('falls back to the shape when neither says (or the Content-Type is generic)', () => {
    expect(parseManifest(bytes(ociIndexNoType))).toMatchObject({ kind: 'index', mediaType: OCI_IMAGE_INDEX });
    expect(parseManifest(bytes(ociManifestNoType), 'application/json')).toMatchObject({
      kind: 'image',
      mediaType: OCI_IMAGE_MANIFEST,
    });
  });
});

describe('parseManifest: schema 1 and unknown types', () => {
  const schema1 = { schemaVersion: 1, name: 'library/busybox', tag: 'latest', fsLayers: [], history: [] };

  it.each([
    ['schemaVersion 1 without a media type', bytes(schema1), undefined],
    ['signed schema 1 Content-Type', bytes(schema1), DOCKER_MANIFEST_V1_SIGNED],
    ['schema 1 mediaType in the body', bytes({ ...schema1, mediaType: 'application/vnd.docker.distribution.manifest.v1+json' }), undefined],
  ])('refuses %s', (_label, body, contentType) => {
    expect(() => parseManifest(body, contentType)).toThrow(
      expect.objectContaining({ code: 'REGCTL_UNSUPPORTED', message: expect.stringMatching(/^schema 1 manifests are not supported/) }),
    );
  });

  it('refuses an unknown manifest media type', () => {
    const artifact = { ...ociManifest, mediaType: 'application/vnd.oci.artifact.manifest.v1+json' };
    expect(() => parseManifest(bytes(artifact))).toThrow(
      expect.objectContaining({ code: 'REGCTL_UNSUPPORTED', message: expect.stringContaining('unsupported manifest media type') }),
    );
  });
});

describe('parseManifest: invalid content', () => {
  const layer = ociManifest.layers[0];
  it.each([
    ['not JSON', new TextEncoder().encode('{"schemaVersion":'), 'not valid JSON'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'not valid JSON'],
    ['a JSON array', bytes([ociManifest]), 'not a JSON object'],
    ['JSON null', bytes(null), 'not a JSON object'],
    ['an empty object', bytes({}), 'cannot tell whether'],
    ['schemaVersion 3', bytes({ ...ociManifest, schemaVersion: 3 }), 'schemaVersion must be 2'],
    ['no schemaVersion', bytes({ ...ociManifest, schemaVersion: undefined }), 'schemaVersion must be 2'],
    ['a numeric mediaType', bytes({ ...ociManifest, mediaType: 7 }), 'mediaType is not a string'],
    ['an index whose manifests is not a list', bytes({ ...ociIndex, manifests: {} }), 'manifests is not a list'],
    ['an index with layers instead of manifests', bytes({ ...ociIndex, manifests: undefined, layers: [] }), 'manifests is not a list'],
    ['a manifest without config', bytes({ ...ociManifest, config: undefined }), 'config is not an object'],
    ['a manifest without layers', bytes({ ...ociManifest, layers: undefined }), 'layers is not a list'],
    ['a bad layer digest', bytes({ ...ociManifest, layers: [{ ...layer, digest: 'sha256:abc' }] }), 'layers[0].digest is not a valid digest'],
    ['a negative size', bytes({ ...ociManifest, layers: [{ ...layer, size: -1 }] }), 'layers[0].size is not a non-negative integer'],
    ['a fractional size', bytes({ ...ociManifest, layers: [{ ...layer, size: 1.5 }] }), 'layers[0].size'],
    ['a string size', bytes({ ...ociManifest, config: { ...ociManifest.config, size: '123' } }), 'config.size'],
    ['a descriptor without mediaType', bytes({ ...ociManifest, layers: [{ ...layer, mediaType: undefined }] }), 'layers[0].mediaType is missing'],
    ['non-string annotations', bytes({ ...ociManifest, annotations: { a: 1 } }), 'annotations is not a map of strings'],
    ['non-string urls', bytes({ ...ociManifest, layers: [{ ...layer, urls: [1] }] }), 'layers[0].urls is not a string list'],
    ['a platform without os', bytes({ ...ociIndex, manifests: [{ ...ociIndex.manifests[0], platform: { architecture: 'amd64' } }] }), 'manifests[0].platform'],
    ['a bad subject', bytes({ ...ociManifest, subject: { mediaType: OCI_IMAGE_MANIFEST, digest: 'x', size: 1 } }), 'subject.digest'],
  ])('refuses %s', (_label, body, reason) => {
    expect(() => parseManifest(body)).toThrow(
      expect.objectContaining({ code: 'REGCTL_INVALID_MANIFEST', message: expect.stringContaining(reason) }),
    );
  });

  it('accepts an image manifest without layers entries and with a valid subject', () => {
    const withSubject = { ...ociManifest, layers: [], subject: { mediaType: OCI_IMAGE_MANIFEST, digest: D3, size: 5 } };
    expect(parseManifest(bytes(withSubject)).kind).toBe('image');
  });
});

describe('parseImageConfig', () => {
  const config = {
    architecture: 'arm64',
    os: 'linux',
    variant: 'v8',
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/bin'], Cmd: ['sh'], Labels: null },
    rootfs: { type: 'layers', diff_ids: [D1, D2] },
    history: [{ created_by: 'ADD file', empty_layer: false }],
    docker_version: '24.0.0',
  };

  it('returns the config with its fields (unknown ones kept)', () => {
    const parsed = parseImageConfig(bytes(config));
    expect(parsed.architecture).toBe('arm64');
    expect(parsed.rootfs.diff_ids).toEqual([D1, D2]);
    expect(parsed.config?.Cmd).toEqual(['sh']);
    expect((parsed as unknown as { docker_version: string }).docker_version).toBe('24.0.0');
  });

  it.each([
    ['not JSON', new TextEncoder().encode('nope'), 'invalid image config: not valid JSON'],
    ['no os', bytes({ ...config, os: undefined }), 'architecture and os must be strings'],
    ['no rootfs', bytes({ ...config, rootfs: undefined }), 'rootfs needs a type and a diff_ids list'],
    ['a bad diff_id', bytes({ ...config, rootfs: { type: 'layers', diff_ids: ['sha256:x'] } }), 'invalid digest'],
    ['history not a list', bytes({ ...config, history: {} }), 'history is not a list'],
  ])('refuses %s', (_label, body, reason) => {
    expect(() => parseImageConfig(body)).toThrow(
      expect.objectContaining({ code: 'REGCTL_INVALID_MANIFEST', message: expect.stringContaining(reason) }),
    );
  });
});
