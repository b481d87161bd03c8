// Manifests by tag or digest: GET/HEAD (stored media type, Docker-Content-Digest), PUT (every
// referenced blob or child manifest must already be here, as distribution requires; a `subject`
// need not be, and is answered with OCI-Subject), DELETE.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDigestShaped, isValidTag } from '../reference/grammar.js';
import { digestOf, isDigest, parseDigest, type DigestAlgorithm } from '../oci/digest.js';
import { MAX_MANIFEST_BYTES } from '../store/layout/reachability.js';
import { API_VERSION_HEADER, HttpError, readBody, sendEmpty } from './http-util.js';
import { referrerOf, type ManifestBody, type Referrer } from '../oci/referrers.js';
import type { RegistryStorage } from './storage.js';

/**
 * Refuses a reference that is neither a tag nor a digest. A GET or HEAD of one is a manifest
 * that is not there (404 MANIFEST_UNKNOWN): the spec's endpoint table allows only 404 for
 * them, and the conformance suite asks for `.INVALID_MANIFEST_NAME`. A PUT or DELETE keeps
 * distribution's 400s, which their rows allow.
 */
function checkReference(method: string | undefined, repo: string, reference: string): void {
  let problem: HttpError | undefined;
  if (isDigestShaped(reference)) {
    try {
      parseDigest(reference);
    } catch {
      problem = new HttpError('DIGEST_INVALID', `invalid digest: ${reference}`);
    }
  } else if (!isValidTag(reference)) {
    problem = new HttpError('TAG_INVALID', `invalid tag: ${reference}`);
  }
  if (!problem) return;
  if (method === 'GET' || method === 'HEAD') throw new HttpError('MANIFEST_UNKNOWN', 'manifest unknown', { name: repo, reference });
  throw problem;
}

export async function handleManifest(storage: RegistryStorage, req: IncomingMessage, res: ServerResponse, repo: string, reference: string): Promise<void> {
  checkReference(req.method, repo, reference);
  const byDigest = reference.includes(':');
  if (req.method === 'PUT') return putManifest(storage, req, res, repo, reference);
  if (req.method === 'DELETE') {
    const deleted = byDigest ? await storage.deleteManifest(repo, reference) : await storage.deleteTag(repo, reference);
    if (!deleted) throw new HttpError('MANIFEST_UNKNOWN', 'manifest unknown', { name: repo, reference });
    sendEmpty(res, 202);
    return;
  }
  const link = await storage.resolveManifest(repo, reference);
  if (!link) throw new HttpError('MANIFEST_UNKNOWN', 'manifest unknown', { name: repo, reference });
  const headers = { ...API_VERSION_HEADER, 'content-type': link.mediaType, 'content-length': link.size, 'docker-content-digest': link.digest, etag: `"${link.digest}"` };
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await storage.readManifestBytes(link.digest);
  } catch {
    throw new HttpError('MANIFEST_UNKNOWN', 'manifest content missing from the content store', { name: repo, reference });
  }
  res.writeHead(200, { ...headers, 'content-length': bytes.length });
  res.end(bytes);
}

async function putManifest(storage: RegistryStorage, req: IncomingMessage, res: ServerResponse, repo: string, reference: string): Promise<void> {
  const bytes = await readBody(req, MAX_MANIFEST_BYTES);
  const algorithm = (reference.includes(':') ? parseDigest(reference).algorithm : 'sha256') as DigestAlgorithm;
  const digest = digestOf(bytes, algorithm);
  if (reference.includes(':') && reference !== digest) {
    throw new HttpError('DIGEST_INVALID', 'manifest digest did not match', { expected: reference, actual: digest });
  }
  let body: ManifestBody;
  try {
    body = JSON.parse(bytes.toString('utf8')) as ManifestBody;
  } catch {
    throw new HttpError('MANIFEST_INVALID', 'manifest invalid: not JSON');
  }
  if (typeof body !== 'object' || body === null) throw new HttpError('MANIFEST_INVALID', 'manifest invalid: not an object');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const mediaType = (typeof body.mediaType === 'string' && body.mediaType) || contentType;
  if (!mediaType) throw new HttpError('MANIFEST_INVALID', 'manifest invalid: no media type (set Content-Type or mediaType)');
  let referrer: Referrer | undefined;
  try {
    referrer = referrerOf(body, mediaType, digest, bytes.length);
  } catch (err) {
    throw new HttpError('MANIFEST_INVALID', `manifest invalid: ${(err as Error).message}`);
  }
  const referenced: string[] = [];
  for (const d of [body.config?.digest, ...(body.layers ?? []).map((l) => l.digest), ...(body.manifests ?? []).map((m) => m.digest)]) {
    if (typeof d !== 'string') {
      if (d !== undefined) throw new HttpError('MANIFEST_INVALID', 'manifest invalid: a descriptor has no digest');
      continue;
    }
    if (!isDigest(d)) throw new HttpError('MANIFEST_INVALID', `manifest invalid: bad digest ${d}`);
    referenced.push(d);
  }
  // Pinned before they are looked at, so a concurrent store gc either keeps them or is seen to
  // have removed them (see store/layout/gc.ts); linkManifest unpins them.
  await storage.pinBlobs(referenced);
  for (const d of referenced) {
    if ((await storage.blobSize(d)) === undefined) throw new HttpError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: d });
  }
  for (const d of referenced) await storage.linkBlob(repo, d);
  await storage.putManifestBytes(digest, bytes);
  await storage.linkManifest(repo, { digest, mediaType, size: bytes.length }, reference.includes(':') ? undefined : reference, referenced, referrer);
  sendEmpty(res, 201, {
    location: `/v2/${repo}/manifests/${digest}`,
    'docker-content-digest': digest,
    // Tells the client this registry indexed the subject, so it skips the tag-schema fallback.
    ...(referrer ? { 'oci-subject': referrer.subject } : {}),
  });
}
