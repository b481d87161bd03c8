// The referrer rules shared by `registry serve` and the client: the tag schema's tag and the
// descriptor a manifest with a subject contributes (distribution-spec 1.1).
import { describe, expect, it } from 'vitest';
import { referrerOf, referrersTag } from '../../../src/oci/referrers.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const subject = `sha256:${'1'.repeat(64)}`;
const digest = `sha256:${'2'.repeat(64)}`;

describe('referrersTag', () => {
  it("follows the spec's truncation and character rules", () => {
    expect(referrersTag(`sha256:${'a'.repeat(64)}`)).toBe(`sha256-${'a'.repeat(64)}`);
    expect(referrersTag(`sha512:${'b'.repeat(128)}`)).toBe(`sha512-${'b'.repeat(64)}`);
  });
});

describe('referrerOf', () => {
  it('is undefined for a manifest without subject', () => {
    expect(referrerOf({ config: { mediaType: 'x/y' } }, OCI_MANIFEST, digest, 10)).toBeUndefined();
    expect(referrerOf({ subject: null as never }, OCI_MANIFEST, digest, 10)).toBeUndefined();
  });

  it("takes the manifest's artifactType, else its config's media type, and copies string annotations", () => {
    const body = { artifactType: 'application/vnd.example.sbom', config: { mediaType: 'application/vnd.oci.empty.v1+json' }, subject: { digest: subject }, annotations: { a: 'b', n: 1 } };
    expect(referrerOf(body, OCI_MANIFEST, digest, 10)).toEqual({
      subject,
      descriptor: { mediaType: OCI_MANIFEST, digest, size: 10, artifactType: 'application/vnd.example.sbom', annotations: { a: 'b' } },
    });
    expect(referrerOf({ ...body, artifactType: '' }, OCI_MANIFEST, digest, 10)?.descriptor.artifactType).toBe('application/vnd.oci.empty.v1+json');
  });

  it('omits artifactType for an index without one (no config to fall back on)', () => {
    expect(referrerOf({ manifests: [], subject: { digest: subject } }, OCI_INDEX, digest, 5)).toEqual({ subject, descriptor: { mediaType: OCI_INDEX, digest, size: 5 } });
  });

  it('refuses a subject without a valid digest', () => {
    expect(() => referrerOf({ subject: { digest: 'sha256:nope' } }, OCI_MANIFEST, digest, 1)).toThrow(expect.objectContaining({ code: 'REGCTL_INVALID_MANIFEST' }));
  });
});
