// Referrers pushed before the registry had the API, recorded by their client in the referrers
// tag schema (`sha256-<hex>` index): listed by the referrers API when the manifest is in the
// repository and really has that subject (distribution-spec 1.1, "Enabling the Referrers API").
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referrersTag } from '../../../src/oci/referrers.js';
import { EMPTY_JSON, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, doc, getReferrers, putManifest, pushBlob, serve, sha256, useRegistries, type ReferrersIndex } from '../../helpers/registry-wire.js';

useRegistries();

const config = { mediaType: OCI_EMPTY, size: 2, digest: sha256(EMPTY_JSON) };

describe('referrers from the tag schema', () => {
  it('lists a tag-schema entry that has the subject, skips one that does not, and a tag that is not an index', async () => {
    const reg = await serve();
    const repo = 'legacy/app';
    await pushBlob(reg.url, repo, EMPTY_JSON);
    const subject = { mediaType: OCI_MANIFEST, size: 10, digest: sha256('legacy subject') };
    const other = { mediaType: OCI_MANIFEST, size: 10, digest: sha256('another subject') };
    const old = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [], subject, annotations: { 'org.example': 'old' } });
    const wrong = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [], subject: other });
    for (const m of [old, wrong]) expect((await putManifest(reg.url, repo, m.digest, m.bytes)).status).toBe(201);
    // As a registry without the API would have left them: manifest links, no referrer links.
    await fs.rm(path.join(reg.dir, 'registry', 'repositories', 'legacy', 'app', '_referrers'), { recursive: true });
    expect((await getReferrers(reg.url, repo, subject.digest)).json<ReferrersIndex>().manifests).toEqual([]);

    const d = (m: { bytes: Buffer; digest: string }) => ({ mediaType: OCI_MANIFEST, digest: m.digest, size: m.bytes.length, artifactType: 'bogus/from-the-tag' });
    const fallback = doc({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [d(old), d(wrong)] });
    expect((await putManifest(reg.url, repo, referrersTag(subject.digest), fallback.bytes, OCI_INDEX)).status).toBe(201);
    const listed = (await getReferrers(reg.url, repo, subject.digest)).json<ReferrersIndex>().manifests;
    // The descriptor is computed from the manifest itself, not copied from the tag.
    expect(listed).toEqual([{ mediaType: OCI_MANIFEST, digest: old.digest, size: old.bytes.length, artifactType: OCI_EMPTY, annotations: { 'org.example': 'old' } }]);

    // A tag-schema tag holding an image manifest, not an index: ignored.
    const plain = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] });
    const third = sha256('a third subject');
    expect((await putManifest(reg.url, repo, referrersTag(third), plain.bytes)).status).toBe(201);
    expect((await getReferrers(reg.url, repo, third)).json<ReferrersIndex>().manifests).toEqual([]);
  });
});
