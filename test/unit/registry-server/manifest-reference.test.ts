// Manifest references at the wire: GET/HEAD of a reference that is neither a tag nor a digest is
// a manifest that is not there (404 MANIFEST_UNKNOWN; the conformance suite's pull and push
// workflows ask for `.INVALID_MANIFEST_NAME`), while PUT and DELETE keep distribution's 400s.
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../../helpers/raw-http.js';
import { EMPTY_JSON, OCI_EMPTY, OCI_MANIFEST, doc, errorCode, putManifest, pushBlob, serve, sha256, useRegistries } from '../../helpers/registry-wire.js';

useRegistries();

describe('manifest references', () => {
  it.each(['.INVALID_MANIFEST_NAME', '-leading-dash', 'a'.repeat(129), 'sha256:nothex', 'sha256:' + 'a'.repeat(63)])('GET and HEAD of %s: 404 MANIFEST_UNKNOWN', async (reference) => {
    const reg = await serve();
    await pushBlob(reg.url, 'pull/app', EMPTY_JSON);
    const get = await rawRequest(`${reg.url}/v2/pull/app/manifests/${reference}`);
    expect(get.status).toBe(404);
    expect(errorCode(get)).toBe('MANIFEST_UNKNOWN');
    const head = await rawRequest(`${reg.url}/v2/pull/app/manifests/${reference}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.body.length).toBe(0);
  });

  it('PUT to an invalid tag stays 400 TAG_INVALID, to a malformed digest 400 DIGEST_INVALID', async () => {
    const reg = await serve();
    await pushBlob(reg.url, 'push/app', EMPTY_JSON);
    const m = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_EMPTY, size: 2, digest: sha256(EMPTY_JSON) }, layers: [] });
    const tag = await putManifest(reg.url, 'push/app', '.INVALID_MANIFEST_NAME', m.bytes);
    expect(tag.status).toBe(400);
    expect(errorCode(tag)).toBe('TAG_INVALID');
    const digest = await putManifest(reg.url, 'push/app', 'sha256:' + 'a'.repeat(63), m.bytes);
    expect(digest.status).toBe(400);
    expect(errorCode(digest)).toBe('DIGEST_INVALID');
  });

  it('OCI-Subject only on a PUT whose body has a subject; the subject need not exist', async () => {
    const reg = await serve();
    await pushBlob(reg.url, 'sub/app', EMPTY_JSON);
    const config = { mediaType: OCI_EMPTY, size: 2, digest: sha256(EMPTY_JSON) };
    const plain = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] });
    const r1 = await putManifest(reg.url, 'sub/app', 'v1', plain.bytes);
    expect(r1.status).toBe(201);
    expect(r1.headers['oci-subject']).toBeUndefined();
    const missing = sha256('a subject never pushed');
    const withSubject = doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example.sbom', config, layers: [], subject: { mediaType: OCI_MANIFEST, size: 123, digest: missing } });
    const r2 = await putManifest(reg.url, 'sub/app', withSubject.digest, withSubject.bytes);
    expect(r2.status).toBe(201);
    expect(r2.headers['oci-subject']).toBe(missing);
    expect(r2.headers['docker-content-digest']).toBe(withSubject.digest);
    // Stored byte for byte, as pushed.
    const got = await rawRequest(`${reg.url}/v2/sub/app/manifests/${withSubject.digest}`);
    expect(got.body.equals(withSubject.bytes)).toBe(true);
  });
});
