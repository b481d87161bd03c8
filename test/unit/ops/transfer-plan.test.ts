// planTransfer: a blob that is both an image's config and one of its layers (an artifact's empty
// `{}` descriptor, as oras writes it) is planned once, so the destination gets one write of it.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { planTransfer } from '../../../src/ops/transfer.js';
import type { ImageSource } from '../../../src/store/backend.js';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

it('plans a blob that is both the config and a layer once', async () => {
  const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 };
  const file = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('hello'), size: 5 };
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.test', config: empty, layers: [empty, file] }));
  const top = { bytes, mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(bytes), size: bytes.length };
  const source: ImageSource = {
    name: 'test',
    manifest: async () => top,
    blobBytes: async () => Buffer.from('{}'),
    blob: () => {
      throw new Error('not read by a plan');
    },
    close: async () => undefined,
  };
  const plan = await planTransfer(source, { diffIds: false });
  expect(plan.blobs.map((d) => d.digest)).toEqual([empty.digest, file.digest]);
});
