// Blob uploads: monolithic POST ?digest=, sessions (POST, PATCH chunks with Content-Range,
// PUT ?digest= to finish, GET status, DELETE to cancel) and cross-repository mounts.
// Every finished blob is verified against its digest before it enters the store (blob-import.ts).
import { createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseDigest, type ParsedDigest } from '../oci/digest.js';
import { isValidPath } from '../reference/grammar.js';
import { HttpError, sendEmpty } from './http-util.js';
import { isNotFound, type RegistryStorage } from './storage.js';

function digestParam(raw: string | null): ParsedDigest & { text: string } {
  if (!raw) throw new HttpError('DIGEST_INVALID', 'digest parameter missing');
  try {
    return { ...parseDigest(raw), text: raw };
  } catch {
    throw new HttpError('DIGEST_INVALID', `invalid digest: ${raw}`);
  }
}

async function uploadSize(storage: RegistryStorage, id: string): Promise<number> {
  try {
    return (await fs.stat(storage.uploadPath(id))).size;
  } catch (err) {
    if (isNotFound(err)) throw new HttpError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
    throw err;
  }
}

function sessionHeaders(repo: string, id: string, size: number): Record<string, string> {
  return { location: `/v2/${repo}/blobs/uploads/${id}`, range: `0-${Math.max(0, size - 1)}`, 'docker-upload-uuid': id };
}

/**
 * Appends the request body to the session. A body cut short leaves bytes nobody announced, so
 * the session is dropped (as distribution does): the client's status GET gets 404 and it starts over.
 */
async function append(storage: RegistryStorage, id: string, req: IncomingMessage): Promise<void> {
  storage.busyUploads.add(id);
  try {
    await pipeline(req, createWriteStream(storage.uploadPath(id), { flags: 'a' }));
  } catch (err) {
    await fs.rm(storage.uploadPath(id), { force: true });
    throw err;
  } finally {
    storage.busyUploads.delete(id);
  }
  // Dropped meanwhile (see handleUploadSession): the bytes went to a session that no longer exists.
  await uploadSize(storage, id);
}

/** Verifies the finished upload and moves it into the store, or discards it. */
async function finish(storage: RegistryStorage, id: string, repo: string, digest: ParsedDigest & { text: string }, res: ServerResponse): Promise<void> {
  try {
    await storage.importUpload(id, digest.text);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'REGCTL_DIGEST_MISMATCH') throw err;
    const actual = (err as { actual?: string }).actual;
    throw new HttpError('DIGEST_INVALID', 'provided digest did not match uploaded content', { expected: digest.text, actual });
  }
  await storage.linkBlob(repo, digest.text);
  sendEmpty(res, 201, { location: `/v2/${repo}/blobs/${digest.text}`, 'docker-content-digest': digest.text });
}

export async function handleUploadStart(storage: RegistryStorage, req: IncomingMessage, res: ServerResponse, repo: string, query: URLSearchParams): Promise<void> {
  const mount = query.get('mount');
  if (mount) {
    const d = digestParam(mount);
    const from = query.get('from');
    // Content is shared; a mount links it when the source repository holds it (pinned first,
    // like an upload, until a manifest reaches it).
    if (from && isValidPath(from)) {
      await storage.pinBlobs([d.text]);
      if ((await storage.repoBlobSize(from, d.text)) !== undefined) {
        await storage.linkBlob(repo, d.text);
        req.resume();
        sendEmpty(res, 201, { location: `/v2/${repo}/blobs/${d.text}`, 'docker-content-digest': d.text });
        return;
      }
    }
  }
  const id = storage.newUploadId();
  await fs.writeFile(storage.uploadPath(id), '', { mode: 0o600 });
  const digest = query.get('digest');
  if (digest !== null && !mount) {
    const d = digestParam(digest);
    await append(storage, id, req);
    await finish(storage, id, repo, d, res);
    return;
  }
  req.resume();
  sendEmpty(res, 202, sessionHeaders(repo, id, 0));
}

export async function handleUploadSession(storage: RegistryStorage, req: IncomingMessage, res: ServerResponse, repo: string, id: string, query: URLSearchParams): Promise<void> {
  if (storage.busyUploads.has(id)) {
    // A second request while a body is still arriving: the client gave up on that one (its
    // connection was cut somewhere on the way), so its bytes cannot be trusted. Like
    // distribution, drop the session; the client starts the blob over.
    req.resume();
    await fs.rm(storage.uploadPath(id), { force: true });
    throw new HttpError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
  }
  const size = await uploadSize(storage, id);
  switch (req.method) {
    case 'GET':
      sendEmpty(res, 204, sessionHeaders(repo, id, size));
      return;
    case 'DELETE':
      await fs.rm(storage.uploadPath(id), { force: true });
      sendEmpty(res, 204);
      return;
    case 'PATCH': {
      const range = req.headers['content-range'];
      if (range) {
        const m = /^(?:bytes )?(\d+)-(\d+)$/.exec(range.trim());
        if (!m || Number(m[1]) !== size) {
          req.resume();
          throw new HttpError('RANGE_INVALID', `content range ${range} does not continue the upload at ${size}`, undefined, 416);
        }
      }
      await append(storage, id, req);
      const after = await uploadSize(storage, id);
      const m = range ? /(\d+)-(\d+)$/.exec(range) : null;
      if (m && after !== Number(m[2]) + 1) {
        // The chunk was not what its Content-Range announced: the session cannot continue.
        await fs.rm(storage.uploadPath(id), { force: true });
        throw new HttpError('BLOB_UPLOAD_INVALID', `chunk ${range} delivered ${after - size} bytes`);
      }
      sendEmpty(res, 202, sessionHeaders(repo, id, after));
      return;
    }
    case 'PUT': {
      const d = digestParam(query.get('digest'));
      await append(storage, id, req);
      await finish(storage, id, repo, d, res);
      return;
    }
    default:
      req.resume();
      throw new HttpError('UNSUPPORTED', `${req.method} not supported on an upload`);
  }
}
