// listReferrers: the referrers API of `regctl registry serve` (with and without the artifactType
// filter, across Link pages), and, on edge servers, what other registries answer: no
// OCI-Filters-Applied (filtered here), 404 (distribution 2.8's text/plain one: the tag schema),
// 200 with no index, a tag-schema tag holding anything but an index, a 10,000-entry index, and
// bodies past the limits.
import { describe, expect, it } from 'vitest';
import { referrersTag } from '../../../../src/oci/referrers.js';
import { parseReference } from '../../../../src/reference/parse.js';
import { listReferrers } from '../../../../src/store/remote/referrers.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';
import { digestOf, manifest, raw, sendJson } from '../../../helpers/edge-routes.js';
import { OCI_INDEX, OCI_MANIFEST, descriptorOf, pushSubject, putDoc, referrerDoc, subjectDoc } from '../../../helpers/referrer-fixtures.js';
import { getReferrers, serve, useRegistries } from '../../../helpers/registry-wire.js';

useRegistries();
const edge = useOpenEdgeRegistry();

const SBOM = 'application/vnd.example.sbom.v1';
const SIG = 'application/vnd.example.signature.v1';
const subjectDigest = digestOf('the subject');
const TAG = referrersTag(subjectDigest);

function descriptor(i: number, artifactType = SBOM) {
  return { mediaType: OCI_MANIFEST, digest: digestOf(`referrer ${i}`), size: 500 + i, artifactType, annotations: { 'org.example.n': String(i) } };
}
const index = (manifests: unknown[], extra: Record<string, unknown> = {}) => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...extra });

/** distribution 2.8's answer on the referrers route: its router's plain-text 404. */
const noApi = raw(404, '404 page not found\n', { 'content-type': 'text/plain; charset=utf-8' });

describe('listReferrers through the referrers API (regctl registry serve)', () => {
  it('lists every referrer with the registry-computed descriptors; the artifactType filter is the server\'s', async () => {
    const reg = await serve();
    const repo = 'team/app';
    const subject = await pushSubject(reg.url, repo);
    const sbom = referrerDoc(subject, { artifactType: SBOM, annotations: { 'org.example.kind': 'sbom' } });
    const sig = referrerDoc(subject, { configMediaType: SIG });
    for (const m of [sbom, sig]) await putDoc(reg.url, repo, m);
    const remote = new RemoteRegistry();
    try {
      const ref = parseReference(`${reg.address}/${repo}@${subject.digest}`);
      const all = await listReferrers(remote, ref);
      expect(all.via).toBe('api');
      expect(all.filtered).toBe(false);
      expect(all.descriptors).toHaveLength(2);
      expect(all.descriptors).toContainEqual({ ...descriptorOf(sbom), artifactType: SBOM, annotations: { 'test.nonce': expect.any(String), 'org.example.kind': 'sbom' } });
      // No artifactType in the manifest: the config's media type stands in for it.
      expect(all.descriptors.find((d) => d.digest === sig.digest)?.artifactType).toBe(SIG);

      const sigs = await listReferrers(remote, ref, { artifactType: SIG });
      expect(sigs).toMatchObject({ via: 'api', filtered: true });
      expect(sigs.descriptors.map((d) => d.digest)).toEqual([sig.digest]);
      expect(await listReferrers(remote, parseReference(`${reg.address}/${repo}@${subjectDoc().digest}`))).toEqual({ descriptors: [], via: 'api', filtered: false });
    } finally {
      await remote.close();
    }
  });

  it('follows Link pages, each referrer once', async () => {
    const reg = await serve({ referrersPageBytes: 1500 });
    const repo = 'team/paged';
    const subject = await pushSubject(reg.url, repo);
    const referrers = Array.from({ length: 12 }, () => referrerDoc(subject, { artifactType: SBOM }));
    for (const m of referrers) await putDoc(reg.url, repo, m);
    expect((await getReferrers(reg.url, repo, subject.digest)).headers.link).toMatch(/rel="next"/);
    const remote = new RemoteRegistry();
    try {
      const listed = await listReferrers(remote, parseReference(`${reg.address}/${repo}@${subject.digest}`));
      expect(listed.descriptors.map((d) => d.digest).sort()).toEqual(referrers.map((m) => m.digest).sort());
    } finally {
      await remote.close();
    }
  });

  it('refuses a subject without a digest', async () => {
    const { s, remote } = await edge();
    await expect(listReferrers(remote, parseReference(`${s.host}/team/app:v1`))).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    expect(s.requests).toHaveLength(0);
  });
});

describe('listReferrers against other registries (edge server)', () => {
  it('filters by artifactType itself when the server does not say OCI-Filters-Applied, and asks for an index', async () => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, (_req, res) => sendJson(res, 200, index([descriptor(1), descriptor(2, SIG)]), { 'content-type': OCI_INDEX }));
    const listed = await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`), { artifactType: SIG });
    expect(listed).toEqual({ descriptors: [descriptor(2, SIG)], via: 'api', filtered: true });
    const req = s.requests.find((r) => r.url.includes('/referrers/'))!;
    expect(req.url).toBe(`/v2/team/app/referrers/${subjectDigest}?artifactType=${encodeURIComponent(SIG)}`);
    expect(req.headers.accept).toBe(OCI_INDEX);
  });

  it("trusts the server's filter when it says it applied it", async () => {
    const { s, remote } = await edge();
    // A server that claims to have filtered is believed (nothing is dropped here).
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, (_req, res) =>
      sendJson(res, 200, index([descriptor(1)]), { 'content-type': OCI_INDEX, 'oci-filters-applied': 'annotation, artifactType' }));
    expect(await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`), { artifactType: SIG })).toEqual({ descriptors: [descriptor(1)], via: 'api', filtered: true });
  });

  it("a 404 (distribution 2.8's text/plain one) falls back to the tag schema: the tag's index, or nothing when there is no tag", async () => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, noApi);
    s.on('GET', `/v2/team/app/manifests/${TAG}`, raw(404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }), { 'content-type': 'application/json' }));
    const ref = parseReference(`${s.host}/team/app@${subjectDigest}`);
    expect(await listReferrers(remote, ref)).toEqual({ descriptors: [], via: 'tag-schema', filtered: false });

    const body = Buffer.from(JSON.stringify(index([descriptor(1), descriptor(2, SIG), descriptor(1)], { annotations: { 'org.example.tool': 'other' } })));
    s.on('GET', `/v2/team/app/manifests/${TAG}`, manifest(body, OCI_INDEX));
    expect(await listReferrers(remote, ref)).toEqual({ descriptors: [descriptor(1), descriptor(2, SIG)], via: 'tag-schema', filtered: false });
    expect(await listReferrers(remote, ref, { artifactType: SIG })).toEqual({ descriptors: [descriptor(2, SIG)], via: 'tag-schema', filtered: true });
  });

  it('a 200 that is no image index (an HTML catch-all) also means no API', async () => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, raw(200, '<html>hello</html>', { 'content-type': 'text/html' }));
    s.on('GET', `/v2/team/app/manifests/${TAG}`, manifest(JSON.stringify(index([descriptor(3)])), OCI_INDEX));
    expect(await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).toEqual({ descriptors: [descriptor(3)], via: 'tag-schema', filtered: false });
  });

  it.each([
    ['an image manifest', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x/y', digest: digestOf('c'), size: 1 }, layers: [] }), OCI_MANIFEST],
    ['no JSON', 'not json at all {', OCI_INDEX],
    ['a JSON array', '[1,2,3]', OCI_INDEX],
    ['an index without manifests', JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX }), OCI_INDEX],
    ['an index whose manifests is an object', JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: { a: 1 } }), OCI_INDEX],
  ])('a tag-schema tag holding %s lists nothing, without an error', async (_what, body, mediaType) => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, noApi);
    s.on('GET', `/v2/team/app/manifests/${TAG}`, manifest(body, mediaType));
    expect(await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).toEqual({ descriptors: [], via: 'tag-schema', filtered: false });
  });

  it('skips entries of a tag-schema index that are no descriptors', async () => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, noApi);
    const entries = [null, 7, 'x', { digest: 'sha256:short', mediaType: OCI_MANIFEST, size: 1 }, { ...descriptor(4), size: -1 }, { ...descriptor(5), mediaType: 3 }, descriptor(6)];
    s.on('GET', `/v2/team/app/manifests/${TAG}`, manifest(JSON.stringify(index(entries)), OCI_INDEX));
    expect((await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).descriptors).toEqual([descriptor(6)]);
  });

  it('lists a 10,000-entry tag-schema index with two requests, none per entry', async () => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, noApi);
    const entries = Array.from({ length: 10_000 }, (_, i) => descriptor(i, i % 2 ? SIG : SBOM));
    const body = JSON.stringify(index(entries));
    expect(body.length).toBeLessThan(4 * 1024 * 1024);
    s.on('GET', `/v2/team/app/manifests/${TAG}`, manifest(body, OCI_INDEX));
    const started = performance.now();
    const listed = await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`), { artifactType: SIG });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(listed.descriptors).toHaveLength(5_000);
    expect(listed.descriptors[0]).toEqual(descriptor(1, SIG));
    expect(s.requests.filter((r) => r.url !== '/v2/').map((r) => r.url)).toEqual([`/v2/team/app/referrers/${subjectDigest}?artifactType=${encodeURIComponent(SIG)}`, `/v2/team/app/manifests/${TAG}`]);
  });

  it('a 10,000-entry API page is listed whole', async () => {
    const { s, remote } = await edge();
    const entries = Array.from({ length: 10_000 }, (_, i) => descriptor(i));
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, (_req, res) => sendJson(res, 200, index(entries), { 'content-type': OCI_INDEX }));
    expect((await listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).descriptors).toHaveLength(10_000);
  });

  it('a tag-schema index past the 4 MiB manifest limit is REGCTL_TOO_LARGE, declared or not', async () => {
    const { s, remote } = await edge();
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, noApi);
    const huge = JSON.stringify(index(Array.from({ length: 30_000 }, (_, i) => descriptor(i))));
    expect(huge.length).toBeGreaterThan(4 * 1024 * 1024);
    s.on('GET', `/v2/team/app/manifests/${TAG}`, manifest(huge, OCI_INDEX));
    const ref = parseReference(`${s.host}/team/app@${subjectDigest}`);
    await expect(listReferrers(remote, ref)).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
    // Chunked, with no Content-Length: stopped while reading.
    s.on('GET', `/v2/team/app/manifests/${TAG}`, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX });
      res.end(huge);
    });
    await expect(listReferrers(remote, ref)).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
  });

  it('an API page past the 4 MiB limit is REGCTL_TOO_LARGE', async () => {
    const { s, remote } = await edge();
    const huge = JSON.stringify(index(Array.from({ length: 30_000 }, (_, i) => descriptor(i))));
    s.on('GET', `/v2/team/app/referrers/${subjectDigest}`, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX });
      res.end(huge);
    });
    await expect(listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
  });

  it('a registry that never ends its pages is stopped at a bound', async () => {
    const { s, remote } = await edge();
    const path = `/v2/team/app/referrers/${subjectDigest}`;
    s.on('GET', path, (req, res) => {
      const page = Number(req.url.searchParams.get('page') ?? 0);
      const entries = Array.from({ length: 1000 }, (_, i) => descriptor(page * 1000 + i));
      sendJson(res, 200, index(entries), { 'content-type': OCI_INDEX, link: `<${path}?page=${page + 1}>; rel="next"` });
    });
    await expect(listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).rejects.toMatchObject({
      code: 'REGCTL_TOO_LARGE',
      message: expect.stringMatching(/^referrers of .*: the registry kept sending pages past (500000 descriptors|64 MiB); stopped there$/),
    });
  });

  it('a later page that is no index is the registry\'s error, not a fallback', async () => {
    const { s, remote } = await edge();
    const path = `/v2/team/app/referrers/${subjectDigest}`;
    s.on('GET', path, (req, res) => {
      if (req.url.searchParams.get('page')) return raw(200, 'oops', { 'content-type': 'text/plain' })(req, res);
      sendJson(res, 200, index([descriptor(1)]), { 'content-type': OCI_INDEX, link: `<${path}?page=2>; rel="next"` });
    });
    await expect(listReferrers(remote, parseReference(`${s.host}/team/app@${subjectDigest}`))).rejects.toMatchObject({ code: 'REGCTL_REGISTRY', message: expect.stringContaining('page 2 is not an image index') });
  });
});
