// putManifest: the exact bytes under their media type, by tag or digest, and a registry that
// reports another digest than the bytes' own is an error.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReference } from '../../../../src/reference/parse.js';
import { putManifest } from '../../../../src/store/remote/manifest.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { startUploadRegistry, type UploadRegistryOptions } from '../../../helpers/upload-registry.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI = 'application/vnd.oci.image.manifest.v1+json';
// Deliberately not canonical JSON (spacing, key order): the registry must get these very bytes.
const bytes = Buffer.from(`{ "schemaVersion": 2,  "mediaType": "${OCI}", "layers": [], "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "${sha256(Buffer.from('{}'))}", "size": 2} }`);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function setup(opts: UploadRegistryOptions = {}) {
  const reg = await startUploadRegistry(opts);
  const remote = new RemoteRegistry();
  cleanup.push(() => remote.close(), () => reg.close());
  return { reg, remote };
}

describe('putManifest', () => {
  it('PUTs the exact bytes with the media type as Content-Type and returns digest and size', async () => {
    const { reg, remote } = await setup();
    const result = await putManifest(remote, parseReference(`${reg.host}/demo/app:v1`), bytes, OCI);
    expect(result).toEqual({ digest: sha256(bytes), size: bytes.length });
    const stored = reg.manifests.get('demo/app:v1')!;
    expect(stored.bytes.equals(bytes)).toBe(true);
    expect(stored.mediaType).toBe(OCI);
  });

  it('PUTs by digest, and refuses bytes that are not what the digest names', async () => {
    const { reg, remote } = await setup();
    await putManifest(remote, parseReference(`${reg.host}/demo/app@${sha256(bytes)}`), bytes, OCI);
    expect(reg.requests.at(-1)!.url).toBe(`/v2/demo/app/manifests/${sha256(bytes)}`);
    await expect(putManifest(remote, parseReference(`${reg.host}/demo/app@${sha256(Buffer.from('x'))}`), bytes, OCI)).rejects.toMatchObject({
      code: 'REGCTL_DIGEST_MISMATCH',
    });
  });

  it('fails when the registry reports a different digest (it rewrote the manifest)', async () => {
    const { reg, remote } = await setup({ manifestDigestOverride: sha256(Buffer.from('rewritten')) });
    await expect(putManifest(remote, parseReference(`${reg.host}/demo/app:v1`), bytes, OCI)).rejects.toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
  });
});
