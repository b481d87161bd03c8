// Blob uploads against a spec-following in-memory registry: monolithic PUT, PATCH chunks,
// 413 fallback, mounts (taken, refused, not possible), HEAD on a flaky network, a corrupt store
// copy that must never complete, and a connection cut mid-body that resumes from the registry's
// Range (through a real TCP proxy that drops the connection).
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRepository } from '../../../../src/reference/parse.js';
import { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';
import { pushBlob, type BlobSource, type UploadRetry } from '../../../../src/store/remote/upload.js';
import { offsetFromRange } from '../../../../src/store/remote/upload-session.js';
import { startCuttingProxy } from '../../../helpers/cutting-proxy.js';
import { startUploadRegistry, type UploadRegistry, type UploadRegistryOptions } from '../../../helpers/upload-registry.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** A source over `bytes` (claiming `digest`), read in `chunk`-sized pieces like a file stream. */
function source(bytes: Buffer, digest = sha256(bytes), chunk = 64 * 1024): BlobSource {
  return {
    digest,
    size: bytes.length,
    async *read(start, end) {
      for (let i = start; i < end; i += chunk) yield bytes.subarray(i, Math.min(end, i + chunk));
    },
  };
}

async function setup(opts: UploadRegistryOptions = {}): Promise<{ reg: UploadRegistry; remote: RemoteRegistry }> {
  const reg = await startUploadRegistry(opts);
  const remote = new RemoteRegistry();
  cleanup.push(() => remote.close(), () => reg.close());
  return { reg, remote };
}

const uploads = (reg: UploadRegistry) => reg.requests.filter((r) => r.url.includes('/blobs/uploads/'));

describe('pushBlob', () => {
  it('uploads a missing blob with one POST and one monolithic PUT ?digest=, following a relative Location', async () => {
    const { reg, remote } = await setup();
    const bytes = randomBytes(200_000);
    const result = await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes));
    expect(result).toEqual({ kind: 'uploaded', bytesSent: bytes.length, resumes: 0 });
    expect(reg.blobs.get('demo/app')?.get(sha256(bytes))?.equals(bytes)).toBe(true);
    const [post, put] = uploads(reg);
    expect(uploads(reg)).toHaveLength(2);
    expect(post).toMatchObject({ method: 'POST', url: '/v2/demo/app/blobs/uploads/' });
    expect(put!.method).toBe('PUT');
    expect(put!.url).toMatch(new RegExp(`^/v2/demo/app/blobs/uploads/[0-9a-f-]+\\?digest=sha256%3A${sha256(bytes).slice(7)}$`));
    expect(put!.headers['content-length']).toBe(String(bytes.length));
    expect(put!.bodyBytes).toBe(bytes.length);
  });

  it('sends nothing when HEAD finds the blob, and retries a HEAD whose connection drops', async () => {
    const { reg, remote } = await setup({ dropHeads: 2 });
    const bytes = Buffer.from('already there');
    reg.addBlob('demo/app', bytes);
    expect(await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes))).toEqual({ kind: 'exists' });
    expect(reg.requests.filter((r) => r.method === 'HEAD')).toHaveLength(3);
    expect(uploads(reg)).toEqual([]);
  });

  it('never takes a HEAD that keeps failing for "missing": the error surfaces and nothing is uploaded', async () => {
    const { reg, remote } = await setup({ dropHeads: 100 });
    await expect(pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(Buffer.from('x')))).rejects.toMatchObject({ code: 'REGCTL_NETWORK' });
    expect(uploads(reg)).toEqual([]);
  });

  it('PATCHes --chunk-size pieces with Content-Range, then PUTs ?digest= with an empty body', async () => {
    const { reg, remote } = await setup();
    const bytes = randomBytes(10_000);
    const result = await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes), { chunkSize: 4096 });
    expect(result).toMatchObject({ kind: 'uploaded', bytesSent: bytes.length });
    const patches = reg.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.headers['content-range'])).toEqual(['0-4095', '4096-8191', '8192-9999']);
    expect(patches.map((p) => p.bodyBytes)).toEqual([4096, 4096, 1808]);
    const put = reg.requests.find((r) => r.method === 'PUT')!;
    expect(put.bodyBytes).toBe(0);
    expect(reg.blobs.get('demo/app')?.get(sha256(bytes))?.equals(bytes)).toBe(true);
  });

  it('switches to PATCH chunks when the registry answers 413 to the monolithic PUT', async () => {
    const { reg, remote } = await setup({ maxBodyBytes: 100_000 });
    const bytes = randomBytes(300_000);
    await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes));
    const bodies = reg.requests.filter((r) => r.method === 'PUT' || r.method === 'PATCH');
    expect(bodies[0]).toMatchObject({ method: 'PUT', status: 413 });
    const patches = bodies.filter((r) => r.method === 'PATCH' && r.status === 202);
    expect(patches.length).toBeGreaterThan(1);
    expect(Math.max(...patches.map((p) => p.bodyBytes))).toBeLessThanOrEqual(100_000);
    expect(reg.blobs.get('demo/app')?.get(sha256(bytes))?.equals(bytes)).toBe(true);
  });

  it('recovers from a 503 to the PUT (a body the transport cannot replay) by asking where the upload stands', async () => {
    const { reg, remote } = await setup({ failUploads: 1 });
    const bytes = randomBytes(100_000);
    const retries: UploadRetry[] = [];
    const result = await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes), { onRetry: (r) => retries.push(r) });
    expect(result).toEqual({ kind: 'uploaded', bytesSent: 2 * bytes.length, resumes: 1 });
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, offset: 0 })]);
    expect(uploads(reg).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 202', 'PUT 503', 'GET 204', 'PUT 201']);
    expect(reg.blobs.get('demo/app')?.get(sha256(bytes))?.equals(bytes)).toBe(true);
  });

  it('mounts from a repository that has the blob, without sending its bytes', async () => {
    const { reg, remote } = await setup();
    const bytes = randomBytes(50_000);
    reg.addBlob('library/base', bytes);
    const result = await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes), { mountFrom: ['library/base'] });
    expect(result).toEqual({ kind: 'mounted', from: 'library/base' });
    expect(uploads(reg).map((r) => r.url)).toEqual([`/v2/demo/app/blobs/uploads/?mount=${encodeURIComponent(sha256(bytes))}&from=library%2Fbase`]);
    expect(reg.blobs.get('demo/app')?.has(sha256(bytes))).toBe(true);
  });

  it('falls back to an upload when a mount is refused, and uploads into the session a failed mount opened', async () => {
    const { reg, remote } = await setup({ refuseMountFrom: ['secret/base'] });
    const bytes = randomBytes(50_000);
    reg.addBlob('secret/base', bytes);
    const refused = await pushBlob(remote, parseRepository(`${reg.host}/demo/one`), source(bytes), { mountFrom: ['secret/base'] });
    expect(refused.kind).toBe('uploaded');
    expect(uploads(reg).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 401', 'POST 202', 'PUT 201']);

    const before = uploads(reg).length;
    const other = randomBytes(1000);
    const notThere = await pushBlob(remote, parseRepository(`${reg.host}/demo/two`), source(other), { mountFrom: ['library/empty'] });
    expect(notThere.kind).toBe('uploaded');
    expect(uploads(reg).slice(before).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 202', 'PUT 201']);
  });

  it('stops a corrupt store copy before its last byte leaves: the registry never gets the blob', async () => {
    const { reg, remote } = await setup();
    const bytes = randomBytes(300_000);
    const claimed = sha256(Buffer.from('what the descriptor says'));
    const err = await pushBlob(remote, parseRepository(`${reg.host}/demo/app`), source(bytes, claimed)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_DIGEST_MISMATCH' });
    // The PUT may not even have reached the server; if it did, its body fell short.
    expect(Math.max(0, ...reg.requests.map((r) => r.bodyBytes))).toBeLessThan(bytes.length);
    expect(reg.blobs.get('demo/app')?.has(claimed) ?? false).toBe(false);
    expect(reg.requests.filter((r) => r.method === 'GET' && r.url.includes('/uploads/'))).toEqual([]); // not taken for a network drop
  });

  it('after a connection cut mid-PUT, asks the upload URL for its Range and sends only the rest', async () => {
    const reg = await startUploadRegistry();
    const proxy = await startCuttingProxy({ host: '127.0.0.1', port: reg.port }, { cutAfter: 400_000 });
    const remote = new RemoteRegistry();
    cleanup.push(() => remote.close(), () => proxy.close(), () => reg.close());
    const bytes = randomBytes(1024 * 1024);
    const retries: UploadRetry[] = [];
    const result = await pushBlob(remote, parseRepository(`${proxy.host}/demo/app`), source(bytes), { onRetry: (r) => retries.push(r) });

    expect(proxy.cuts()).toBe(1);
    expect(result).toMatchObject({ kind: 'uploaded', resumes: 1 });
    const received = reg.requests.find((r) => r.method === 'PUT')!.bodyBytes;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(bytes.length);
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, offset: received })]);
    const after = uploads(reg).slice(2).map((r) => [r.method, r.headers['content-range'], r.bodyBytes]);
    expect(after).toEqual([
      ['GET', undefined, 0],
      ['PATCH', `${received}-${bytes.length - 1}`, bytes.length - received],
      ['PUT', undefined, 0],
    ]);
    expect(reg.blobs.get('demo/app')?.get(sha256(bytes))?.equals(bytes)).toBe(true);
  });
});

describe('offsetFromRange', () => {
  it('reads distribution\'s inclusive Range (0-0 means nothing yet)', () => {
    expect(offsetFromRange('0-0')).toBe(0);
    expect(offsetFromRange('0-4095')).toBe(4096);
    expect(offsetFromRange('bytes=0-99')).toBe(100);
    expect(offsetFromRange(undefined)).toBeUndefined();
    expect(offsetFromRange('5-9')).toBeUndefined();
  });
});
