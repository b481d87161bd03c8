// Docker manifests turned OCI for OCI layouts: media types mapped one to one, blobs untouched,
// an index rewritten over its converted children, OCI manifests kept byte for byte.
import { describe, expect, it } from 'vitest';
import { toOciManifests } from '../../../src/oci/oci-conversion.js';
import { digestOf } from '../../../src/oci/digest.js';

const manifestOf = (value: unknown) => {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, mediaType: (value as { mediaType: string }).mediaType, digest: digestOf(bytes), size: bytes.length };
};
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('toOciManifests', () => {
  it('converts a Docker list and its children; blobs keep their digests', () => {
    const child = manifestOf({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d('a'), size: 10 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('b'), size: 20 }],
    });
    const list = manifestOf({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [{ mediaType: child.mediaType, digest: child.digest, size: child.size, platform: { os: 'linux', architecture: 'amd64' } }],
    });
    const [c, l] = toOciManifests([child, list]);
    const cj = JSON.parse(c!.bytes.toString());
    expect(cj.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(cj.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 10 });
    expect(cj.layers).toEqual([{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 20 }]);
    expect([c!.digest, c!.size]).toEqual([digestOf(c!.bytes), c!.bytes.length]);
    const lj = JSON.parse(l!.bytes.toString());
    expect(l!.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(lj.manifests).toEqual([{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: c!.digest, size: c!.size, platform: { os: 'linux', architecture: 'amd64' } }]);
  });

  it('keeps OCI manifests (and an OCI index over them) as they are', () => {
    const oci = manifestOf({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 1 }, layers: [] });
    const index = manifestOf({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: oci.mediaType, digest: oci.digest, size: oci.size }] });
    const out = toOciManifests([oci, index]);
    expect(out[0]).toBe(oci);
    expect(out[1]).toBe(index);
  });
});
