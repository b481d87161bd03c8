// listArtifacts' own logic, with the registry calls stubbed: referrers of referrers as a tree,
// cosign's tag-scheme objects merged in and marked, the artifactType filter applied when the
// registry did not apply it, and a tag pointing back up the tree expanded once.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Descriptor } from '../../../../src/oci/manifest.js';
import { parseReference, type Reference } from '../../../../src/reference/parse.js';
import type { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';

const referrers = new Map<string, { descriptors: Descriptor[]; via: 'api' | 'tag-schema'; filtered: boolean }>();
const tags: string[] = [];
const manifests = new Map<string, Descriptor>();
const calls: string[] = [];

vi.mock('../../../../src/store/remote/referrers.js', () => ({
  listReferrers: async (_remote: unknown, subject: Reference, opts: { artifactType?: string } = {}) => {
    calls.push(`referrers ${subject.digest} ${opts.artifactType ?? ''}`.trim());
    return referrers.get(subject.digest!) ?? { descriptors: [], via: 'api', filtered: false };
  },
}));
vi.mock('../../../../src/store/remote/tags.js', () => ({
  listTags: async () => {
    calls.push('tags');
    return tags;
  },
}));
vi.mock('../../../../src/store/remote/manifest.js', () => ({
  headManifest: async (_remote: unknown, ref: Reference) => {
    const d = manifests.get(ref.identifier());
    if (!d) throw Object.assign(new Error('not found'), { code: 'REGCTL_NOT_FOUND' });
    return { digest: d.digest, mediaType: d.mediaType, size: d.size };
  },
  getManifest: async () => {
    throw new Error('no GET expected');
  },
}));

const { listArtifacts } = await import('../../../../src/ops/artifact/list.js');

const hex = (c: string) => c.repeat(64);
const d = (c: string, artifactType?: string): Descriptor => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex(c)}`, size: 100, ...(artifactType ? { artifactType } : {}) });
const remote = {} as RemoteRegistry;
const subject = d('a');

beforeEach(() => {
  referrers.clear();
  manifests.clear();
  tags.length = 0;
  calls.length = 0;
  manifests.set('v1', subject);
});

describe('listArtifacts', () => {
  it('lists direct referrers and the cosign objects of the subject, marked', async () => {
    referrers.set(subject.digest, { descriptors: [d('b', 'application/spdx+json')], via: 'api', filtered: false });
    const sig = d('c');
    tags.push('v1', `sha256-${hex('a')}.sig`, `sha256-${hex('a')}.att`, `sha256-${hex('f')}.sig`);
    manifests.set(`sha256-${hex('a')}.sig`, sig);
    manifests.set(`sha256-${hex('a')}.att`, d('e'));
    const r = await listArtifacts(remote, parseReference('h.example/team/app:v1'));
    expect(r.subject).toEqual(subject);
    expect(r.referrers).toEqual([
      { descriptor: d('b', 'application/spdx+json'), referrers: [] },
      { descriptor: sig, cosign: { kind: 'signature', tag: `sha256-${hex('a')}.sig` }, referrers: [] },
      { descriptor: d('e'), cosign: { kind: 'attestation', tag: `sha256-${hex('a')}.att` }, referrers: [] },
    ]);
  });

  it('walks referrers of referrers, reading the tag list once, and expands a manifest seen before only once', async () => {
    referrers.set(subject.digest, { descriptors: [d('b', 'x/sbom')], via: 'tag-schema', filtered: false });
    referrers.set(d('b').digest, { descriptors: [d('c', 'x/sig')], via: 'api', filtered: false });
    // A hostile tag: the .sig of c is the subject itself.
    tags.push(`sha256-${hex('c')}.sig`);
    manifests.set(`sha256-${hex('c')}.sig`, subject);
    const r = await listArtifacts(remote, parseReference('h.example/team/app:v1'), { recursive: true });
    expect(r.via).toBe('tag-schema');
    expect(r.referrers).toEqual([
      {
        descriptor: d('b', 'x/sbom'),
        referrers: [{ descriptor: d('c', 'x/sig'), referrers: [{ descriptor: subject, cosign: { kind: 'signature', tag: `sha256-${hex('c')}.sig` }, referrers: [] }] }],
      },
    ]);
    expect(calls.filter((c) => c === 'tags')).toHaveLength(1);
  });

  it('filters by artifactType when the registry did not, and lists no cosign objects then', async () => {
    referrers.set(subject.digest, { descriptors: [d('b', 'x/sbom'), d('c', 'x/sig')], via: 'api', filtered: false });
    tags.push(`sha256-${hex('a')}.sig`);
    const r = await listArtifacts(remote, parseReference('h.example/team/app:v1'), { artifactType: 'x/sig' });
    expect(r.referrers.map((n) => n.descriptor.digest)).toEqual([d('c').digest]);
    expect(calls).toEqual([`referrers ${subject.digest} x/sig`]);
  });

  it('keeps what a registry that applied the filter returned', async () => {
    referrers.set(subject.digest, { descriptors: [d('b', 'x/sbom')], via: 'api', filtered: true });
    const r = await listArtifacts(remote, parseReference('h.example/team/app:v1'), { artifactType: 'x/sig' });
    expect(r.referrers).toHaveLength(1);
  });
});
