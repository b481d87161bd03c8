import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../../src/reference/parse.js';
import { getManifest, headManifest, MANIFEST_LIMIT } from '../../../../src/store/remote/manifest.js';
import { digestOf, manifest, raw } from '../../../helpers/edge-routes.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf('{}'), size: 2 }, layers: [] }));

const setup = useOpenEdgeRegistry();

describe('getManifest', () => {
  it('returns the exact bytes, media type and digest, sending the Accept list', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/demo/app/manifests/v1', manifest(body, OCI));
    const m = await getManifest(remote, parseReference(`${s.host}/demo/app:v1`));
    expect(m.bytes.equals(body)).toBe(true);
    expect(m).toMatchObject({ mediaType: OCI, digest: digestOf(body), size: body.length });
    expect(s.requests.at(-1)!.headers.accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(s.requests.at(-1)!.headers.accept).toContain('application/vnd.docker.distribution.manifest.v2+json');
  });

  it('rejects bytes that do not match the pinned digest', async () => {
    const { s, remote } = await setup();
    const pinned = digestOf('something else');
    s.on('GET', `/v2/demo/app/manifests/${pinned}`, manifest(body, OCI, pinned));
    await expect(getManifest(remote, parseReference(`${s.host}/demo/app@${pinned}`))).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
  });

  it('rejects bytes that do not match the Docker-Content-Digest the registry claims', async () => {
    const { s, remote } = await setup();
    s.on('GET', '/v2/demo/app/manifests/v1', manifest(body, OCI, digestOf('lie')));
    await expect(getManifest(remote, parseReference(`${s.host}/demo/app:v1`))).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
  });

  it('refuses a manifest over 4 MiB, declared or streamed', async () => {
    const { s, remote } = await setup();
    const big = Buffer.alloc(MANIFEST_LIMIT + 1, 0x20);
    s.on('GET', '/v2/demo/big/manifests/v1', raw(200, big, { 'content-type': OCI }));
    s.on('GET', '/v2/demo/chunked/manifests/v1', (_req, res) => {
      res.writeHead(200, { 'content-type': OCI });
      res.end(big);
    });
    await expect(getManifest(remote, parseReference(`${s.host}/demo/big:v1`))).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
    await expect(getManifest(remote, parseReference(`${s.host}/demo/chunked:v1`))).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
  });
});

describe('headManifest', () => {
  it('reads digest, type and size from the headers without a GET', async () => {
    const { s, remote } = await setup();
    s.on('HEAD', '/v2/demo/app/manifests/v1', manifest(body, OCI));
    const h = await headManifest(remote, parseReference(`${s.host}/demo/app:v1`));
    expect(h).toEqual({ digest: digestOf(body), mediaType: OCI, size: body.length });
    expect(s.requests.filter((r) => r.method === 'GET' && r.url.includes('manifests'))).toHaveLength(0);
  });
});
