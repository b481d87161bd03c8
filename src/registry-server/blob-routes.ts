// Blob reads and deletes: GET (with a single byte Range) / HEAD / DELETE.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { API_VERSION_HEADER, HttpError, sendEmpty } from './http-util.js';
import type { RegistryStorage } from './storage.js';

function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

export async function handleBlob(storage: RegistryStorage, req: IncomingMessage, res: ServerResponse, repo: string, digest: string): Promise<void> {
  if (req.method === 'DELETE') {
    // Unlinks the blob from this repository; the shared content stays for other repositories.
    if (!(await storage.unlinkBlob(repo, digest))) throw new HttpError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
    sendEmpty(res, 202, { 'docker-content-digest': digest });
    return;
  }
  const size = await storage.repoBlobSize(repo, digest);
  if (size === undefined) throw new HttpError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  const headers = { ...API_VERSION_HEADER, 'docker-content-digest': digest, 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: `"${digest}"` };
  const range = req.method === 'GET' ? parseRange(req.headers.range, size) : undefined;
  if (range === 'invalid') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 });
    res.end();
    return;
  }
  if (req.method === 'HEAD') {
    res.writeHead(200, { ...headers, 'content-length': size });
    res.end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': size === 0 ? 0 : end - start + 1,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (size === 0) {
    res.end();
    return;
  }
  // A read error after the headers ends the response early (the server then destroys it).
  await pipeline(storage.readBlobRange(digest, start, end + 1), res);
}
