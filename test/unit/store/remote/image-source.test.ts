// A registry blob as the source of an upload to another registry (regctl copy): byte ranges
// from a registry that ignores Range, a straight copy, and a source whose bytes do not match
// their digest, which must never complete the destination's upload.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRepository } from '../../../../src/reference/parse.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { remoteBlobSource } from '../../../../src/store/remote/image-source.js';
import { pushBlob } from '../../../../src/store/remote/upload.js';
import { startUploadRegistry } from '../../../helpers/upload-registry.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function twoRegistries() {
  const src = await startUploadRegistry();
  const dst = await startUploadRegistry();
  const remote = new RemoteRegistry();
  cleanup.push(() => remote.close(), () => src.close(), () => dst.close());
  return { src, dst, remote };
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('remoteBlobSource', () => {
  it('reads exactly [start, end) even from a registry that ignores Range and sends the whole blob', async () => {
    const { src, remote } = await twoRegistries();
    const bytes = randomBytes(300_000);
    const digest = src.addBlob('team/app', bytes);
    const source = remoteBlobSource(remote, parseRepository(`${src.host}/team/app`), digest, bytes.length);
    expect((await collect(source.read(0, bytes.length))).equals(bytes)).toBe(true);
    expect((await collect(source.read(100_001, 200_000))).equals(bytes.subarray(100_001, 200_000))).toBe(true);
    expect(src.requests.filter((r) => r.method === 'GET').at(-1)!.headers.range).toBe('bytes=100001-');
  });

  it('streams a blob from one registry into another', async () => {
    const { src, dst, remote } = await twoRegistries();
    const bytes = randomBytes(500_000);
    const digest = src.addBlob('team/app', bytes);
    const result = await pushBlob(remote, parseRepository(`${dst.host}/copy/app`), remoteBlobSource(remote, parseRepository(`${src.host}/team/app`), digest, bytes.length));
    expect(result).toMatchObject({ kind: 'uploaded', bytesSent: bytes.length });
    expect(dst.blobs.get('copy/app')?.get(digest)?.equals(bytes)).toBe(true);
  });

  it('a source serving other bytes under the digest fails the copy, naming the source; the destination never gets the blob', async () => {
    const { src, dst, remote } = await twoRegistries();
    const claimed = randomBytes(50_000);
    const digest = sha256(claimed);
    const served = Buffer.from(claimed);
    served[100] ^= 0xff;
    src.blobs.set('team/app', new Map([[digest, served]]));
    const source = remoteBlobSource(remote, parseRepository(`${src.host}/team/app`), digest, claimed.length);
    await expect(pushBlob(remote, parseRepository(`${dst.host}/copy/app`), source)).rejects.toMatchObject({
      code: 'REGCTL_DIGEST_MISMATCH',
      message: expect.stringContaining(`blob ${digest} from ${src.host}/team/app`),
    });
    expect(dst.blobs.get('copy/app')?.has(digest) ?? false).toBe(false);
  });
});
