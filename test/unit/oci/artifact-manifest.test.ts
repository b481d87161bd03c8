// The artifact manifest bytes oras writes (oras-go pack.go, PackManifest for image-spec 1.1):
// Go's field order and sorted annotation keys, the empty descriptor with its data, created added.
import { describe, expect, it } from 'vitest';
import { EMPTY_DESCRIPTOR, formatCreated, marshalArtifactManifest } from '../../../src/oci/artifact-manifest.js';
import { digestOf } from '../../../src/oci/digest.js';

const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf('hi'), size: 2, annotations: { 'org.opencontainers.image.title': 'hi.txt' } };
const at = new Date('2024-05-06T07:08:09.123Z');

describe('marshalArtifactManifest', () => {
  it('is the empty descriptor of the spec', () => {
    expect(EMPTY_DESCRIPTOR).toEqual({
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      size: 2,
      data: 'e30=',
    });
  });

  it("writes Go's field order, the empty config and oras's created annotation", () => {
    const m = marshalArtifactManifest({ artifactType: 'application/vnd.example', layers: [layer], annotations: { zeta: '1', alpha: '<&>' }, created: at });
    const text = m.bytes.toString('utf8');
    expect(text).toBe(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example",' +
        '"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},' +
        `"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"${layer.digest}","size":2,"annotations":{"org.opencontainers.image.title":"hi.txt"}}],` +
        '"annotations":{"alpha":"\\u003c\\u0026\\u003e","org.opencontainers.image.created":"2024-05-06T07:08:09Z","zeta":"1"}}',
    );
    expect(m.digest).toBe(digestOf(m.bytes));
    expect(m.size).toBe(m.bytes.length);
  });

  it('puts the subject after the layers with only media type, digest and size', () => {
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf('s'), size: 7, annotations: { a: 'b' } };
    const m = marshalArtifactManifest({ artifactType: 'x/y', layers: [], subject, created: at });
    expect(Object.keys(m.manifest)).toEqual(['schemaVersion', 'mediaType', 'artifactType', 'config', 'layers', 'subject', 'annotations']);
    expect(m.manifest.subject).toEqual({ mediaType: subject.mediaType, digest: subject.digest, size: 7 });
  });

  it('keeps a given created annotation and refuses one that is not RFC 3339', () => {
    const kept = marshalArtifactManifest({ artifactType: 'x/y', layers: [], annotations: { 'org.opencontainers.image.created': '2000-01-01T00:00:00+02:00' } });
    expect((kept.manifest.annotations as Record<string, string>)['org.opencontainers.image.created']).toBe('2000-01-01T00:00:00+02:00');
    expect(() => marshalArtifactManifest({ artifactType: 'x/y', layers: [], annotations: { 'org.opencontainers.image.created': 'yesterday' } })).toThrow(
      expect.objectContaining({ code: 'REGCTL_USAGE', message: expect.stringContaining('invalid date and time format') }),
    );
  });

  it('leaves artifactType out with a config of its own type, and refuses the empty config without one', () => {
    const config = { mediaType: 'application/vnd.me.config', digest: digestOf('{"a":1}'), size: 7 };
    const m = marshalArtifactManifest({ config, layers: [layer], created: at });
    expect(m.manifest).not.toHaveProperty('artifactType');
    expect(m.manifest.config).toEqual(config);
    expect(() => marshalArtifactManifest({ layers: [layer] })).toThrow(/needs an artifactType/);
  });

  it("formats the time as Go's RFC3339 in UTC", () => {
    expect(formatCreated(at)).toBe('2024-05-06T07:08:09Z');
  });
});
