// The referrers API of the embedded registry at the wire, replaying the content-discovery
// workflow of the OCI distribution-spec conformance suite (v1.1.1, 03_discovery_test.go with the
// fixtures of setup.go): referrers pushed before their subject and after it, an index referrer,
// a referrer of a subject never pushed, the artifactType filter, and the teardown deletes.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../../helpers/raw-http.js';
import {
  EMPTY_JSON, OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, doc, errorCode, getReferrers, putManifest, pushBlob, serve, sha256, useRegistries,
  type ReferrersIndex,
} from '../../helpers/registry-wire.js';

useRegistries();

const KEY = 'org.opencontainers.conformance.test';
const TYPE_A = 'application/vnd.nhl.peanut.butter.bagel';
const TYPE_B = 'application/vnd.nba.strawberry.jam.croissant';
const TYPE_INDEX = 'application/vnd.food.stand';
const emptyDesc = { mediaType: OCI_EMPTY, size: EMPTY_JSON.length, digest: sha256(EMPTY_JSON) };

/** The suite's fixtures: an image (its manifests[4]), another never pushed (manifests[3]), and the referrers. */
function fixtures() {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(4).toString('hex') }));
  const layer = randomBytes(64);
  const image = (cfg: Buffer) => doc({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(cfg), size: cfg.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  });
  const subject = image(config);
  const absent = image(Buffer.from('{"never":"pushed"}'));
  const blobA = Buffer.from('NHL Peanut Butter on my NHL bagel');
  const blobB = Buffer.from('NBA Strawberry Jam on my NBA croissant');
  const subj = (m: { bytes: Buffer; digest: string }) => ({ mediaType: OCI_MANIFEST, size: m.bytes.length, digest: m.digest });
  const configArtifact = (t: string, blob: Buffer, note: string) => doc({
    schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: t, size: blob.length, digest: sha256(blob) },
    subject: subj(subject), layers: [emptyDesc], annotations: { [KEY]: note },
  });
  const layerArtifact = (t: string, blob: Buffer, of: { bytes: Buffer; digest: string }, note?: string) => doc({
    schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: t, config: emptyDesc,
    subject: subj(of), layers: [{ mediaType: t, size: blob.length, digest: sha256(blob) }], ...(note ? { annotations: { [KEY]: note } } : {}),
  });
  const aConfig = configArtifact(TYPE_A, blobA, 'test config a');
  const bConfig = configArtifact(TYPE_B, blobB, 'test config b');
  const aLayer = layerArtifact(TYPE_A, blobA, subject, 'test layer a');
  const bLayer = layerArtifact(TYPE_B, blobB, subject, 'test layer b');
  const cLayer = layerArtifact(TYPE_B, blobB, absent);
  const index = doc({
    schemaVersion: 2, mediaType: OCI_INDEX, artifactType: TYPE_INDEX,
    manifests: [subj(aConfig), subj(aLayer)], subject: subj(subject), annotations: { [KEY]: 'test index' },
  });
  return { config, layer, subject, absent, blobA, blobB, aConfig, bConfig, aLayer, bLayer, cLayer, index };
}

describe('referrers API (content discovery workflow of the conformance suite)', () => {
  it('lists every referrer with the spec\'s descriptor fields, filters by artifactType, and forgets deleted ones', async () => {
    const reg = await serve();
    const repo = 'conformance/discovery';
    const f = fixtures();
    const put = async (m: { bytes: Buffer; digest: string }, mediaType = OCI_MANIFEST, reference = m.digest) => {
      const r = await putManifest(reg.url, repo, reference, m.bytes, mediaType);
      expect(r.status, r.text()).toBe(201);
      expect(r.headers.location).toBe(`/v2/${repo}/manifests/${m.digest}`);
      return r;
    };

    // Setup, in the suite's order: referrers A before the subject exists, then the subject, then B.
    await pushBlob(reg.url, repo, EMPTY_JSON);
    await pushBlob(reg.url, repo, f.blobA);
    for (const [m, mt] of [[f.aConfig, OCI_MANIFEST], [f.aLayer, OCI_MANIFEST], [f.index, OCI_INDEX]] as const) {
      expect((await put(m, mt)).headers['oci-subject']).toBe(f.subject.digest);
    }
    await pushBlob(reg.url, repo, f.config);
    await pushBlob(reg.url, repo, f.layer);
    expect((await put(f.subject, OCI_MANIFEST, 'tagtest0')).headers['oci-subject']).toBeUndefined();
    await pushBlob(reg.url, repo, f.blobB);
    for (const m of [f.bConfig, f.bLayer]) expect((await put(m)).headers['oci-subject']).toBe(f.subject.digest);
    expect((await put(f.cLayer)).headers['oci-subject']).toBe(f.absent.digest);

    // An unknown subject: 200 and an empty index, never 404 (which would mean "no referrers API").
    const none = await getReferrers(reg.url, repo, sha256('hello world'));
    expect(none.status).toBe(200);
    expect(none.headers['content-type']).toBe(OCI_INDEX);
    expect(none.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });

    const all = await getReferrers(reg.url, repo, f.subject.digest);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe(OCI_INDEX);
    expect(all.headers['oci-filters-applied']).toBeUndefined();
    const listed = all.json<ReferrersIndex>();
    expect(listed.schemaVersion).toBe(2);
    expect(listed.mediaType).toBe(OCI_INDEX);
    const expected = [
      { mediaType: OCI_MANIFEST, digest: f.aConfig.digest, size: f.aConfig.bytes.length, artifactType: TYPE_A, annotations: { [KEY]: 'test config a' } },
      { mediaType: OCI_MANIFEST, digest: f.aLayer.digest, size: f.aLayer.bytes.length, artifactType: TYPE_A, annotations: { [KEY]: 'test layer a' } },
      { mediaType: OCI_INDEX, digest: f.index.digest, size: f.index.bytes.length, artifactType: TYPE_INDEX, annotations: { [KEY]: 'test index' } },
      { mediaType: OCI_MANIFEST, digest: f.bConfig.digest, size: f.bConfig.bytes.length, artifactType: TYPE_B, annotations: { [KEY]: 'test config b' } },
      { mediaType: OCI_MANIFEST, digest: f.bLayer.digest, size: f.bLayer.bytes.length, artifactType: TYPE_B, annotations: { [KEY]: 'test layer b' } },
    ].sort((a, b) => (a.digest < b.digest ? -1 : 1));
    expect(listed.manifests).toEqual(expected);

    const filtered = await getReferrers(reg.url, repo, f.subject.digest, TYPE_A);
    expect(filtered.status).toBe(200);
    expect(filtered.headers['content-type']).toBe(OCI_INDEX);
    expect(filtered.headers['oci-filters-applied']).toBe('artifactType');
    expect(filtered.json<ReferrersIndex>().manifests.map((d) => d.digest).sort()).toEqual([f.aConfig.digest, f.aLayer.digest].sort());
    const noMatch = await getReferrers(reg.url, repo, f.subject.digest, 'application/vnd.nothing');
    expect(noMatch.headers['oci-filters-applied']).toBe('artifactType');
    expect(noMatch.json<ReferrersIndex>().manifests).toEqual([]);

    // The referrer of a subject that was never pushed is listed too (no annotations: none given).
    const orphan = await getReferrers(reg.url, repo, f.absent.digest);
    expect(orphan.json<ReferrersIndex>().manifests).toEqual([{ mediaType: OCI_MANIFEST, digest: f.cLayer.digest, size: f.cLayer.bytes.length, artifactType: TYPE_B }]);

    // Teardown: deleting referrers removes them from the listing; deleting the subject does not.
    for (const m of [f.index, f.aConfig]) expect((await rawRequest(`${reg.url}/v2/${repo}/manifests/${m.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await rawRequest(`${reg.url}/v2/${repo}/manifests/${f.subject.digest}`, { method: 'DELETE' })).status).toBe(202);
    const after = await getReferrers(reg.url, repo, f.subject.digest);
    expect(after.json<ReferrersIndex>().manifests.map((d) => d.digest).sort()).toEqual([f.aLayer.digest, f.bConfig.digest, f.bLayer.digest].sort());
    expect((await rawRequest(`${reg.url}/v2/${repo}/manifests/${f.aConfig.digest}`)).status).toBe(404);
  });

  it('answers an unknown repository with an empty index and a malformed digest with 400 DIGEST_INVALID', async () => {
    const reg = await serve();
    const unknown = await getReferrers(reg.url, 'no/such/repo', sha256('x'));
    expect(unknown.status).toBe(200);
    expect(unknown.json<ReferrersIndex>().manifests).toEqual([]);
    const bad = await getReferrers(reg.url, 'no/such/repo', 'sha256:nothex');
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('DIGEST_INVALID');
    expect((await getReferrers(reg.url, 'Bad_Name', sha256('x'))).status).toBe(400);
    const post = await rawRequest(`${reg.url}/v2/a/referrers/${sha256('x')}`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('keeps referrers per repository: the same referrer pushed to another repository is listed there only', async () => {
    const reg = await serve();
    const f = fixtures();
    for (const repo of ['one/app', 'two/app']) {
      await pushBlob(reg.url, repo, EMPTY_JSON);
      await pushBlob(reg.url, repo, f.blobB);
    }
    expect((await putManifest(reg.url, 'one/app', f.cLayer.digest, f.cLayer.bytes)).status).toBe(201);
    expect((await getReferrers(reg.url, 'one/app', f.absent.digest)).json<ReferrersIndex>().manifests).toHaveLength(1);
    expect((await getReferrers(reg.url, 'two/app', f.absent.digest)).json<ReferrersIndex>().manifests).toHaveLength(0);
  });

  it('refuses a subject without a valid digest (400 MANIFEST_INVALID) and stores nothing', async () => {
    const reg = await serve();
    await pushBlob(reg.url, 'bad/subject', EMPTY_JSON);
    const m = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: emptyDesc, layers: [], subject: { mediaType: OCI_MANIFEST, size: 2, digest: 'sha256:zz' } });
    const r = await putManifest(reg.url, 'bad/subject', m.digest, m.bytes);
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('MANIFEST_INVALID');
    expect((await rawRequest(`${reg.url}/v2/bad/subject/manifests/${m.digest}`, { method: 'HEAD' })).status).toBe(404);
  });
});
