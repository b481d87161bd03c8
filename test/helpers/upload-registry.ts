// A small in-memory registry that follows the distribution spec's upload rules where
// distribution 2.8 does not: bytes of a PATCH or PUT cut mid-body are kept, and
// `GET <upload URL>` reports them in `Range`, so a client can resume instead of restarting.
// It also does what real registries and proxies do to clients: relative Location headers,
// 413 for large bodies, refused mounts, dropped HEADs, a lying Docker-Content-Digest.
// Every request is recorded with the body bytes that reached it.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadRegistryOptions {
  /** 413 for PATCH/PUT bodies declared larger than this (a proxy's body limit). */
  maxBodyBytes?: number;
  /** Source repositories whose mounts are refused with 401 (a token without pull on them). */
  refuseMountFrom?: string[];
  /** Answer manifest PUTs with this Docker-Content-Digest (a registry that rewrote the bytes). */
  manifestDigestOverride?: string;
  /** The first N blob HEADs get their connection destroyed (a flaky network). */
  dropHeads?: number;
  /** The first N upload PATCH/PUT requests get 503 (their bytes are discarded). */
  failUploads?: number;
}

export interface UploadRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Body bytes that reached the server (all of them, or what arrived before a cut). */
  bodyBytes: number;
  status: number;
}

export interface UploadRegistry {
  url: string;
  host: string;
  port: number;
  requests: UploadRequest[];
  /** repository -> digest -> bytes */
  blobs: Map<string, Map<string, Buffer>>;
  /** `repository:reference` (tag or digest) -> manifest */
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  addBlob(repository: string, bytes: Buffer): string;
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function json(res: http.ServerResponse, status: number, code?: string, headers: http.OutgoingHttpHeaders = {}): void {
  const body = code ? JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] }) : '{}';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

export async function startUploadRegistry(opts: UploadRegistryOptions = {}): Promise<UploadRegistry> {
  const requests: UploadRequest[] = [];
  const blobs = new Map<string, Map<string, Buffer>>();
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  const sessions = new Map<string, { repo: string; chunks: Buffer[]; size: number }>();
  let headsToDrop = opts.dropHeads ?? 0;
  let uploadsToFail = opts.failUploads ?? 0;
  const repoBlobs = (repo: string) => blobs.get(repo) ?? blobs.set(repo, new Map()).get(repo)!;
  const uploadHeaders = (repo: string, id: string) => {
    const size = sessions.get(id)?.size ?? 0;
    return { location: `/v2/${repo}/blobs/uploads/${id}`, range: `0-${Math.max(0, size - 1)}`, 'docker-upload-uuid': id };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const record: UploadRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: 0, status: 0 };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      record.bodyBytes += c.length;
      body.push(c);
    });
    const tooLarge = Number(req.headers['content-length'] ?? 0) > (opts.maxBodyBytes ?? Infinity);
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname);
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);

    if (url.pathname === '/v2/') return json(res, 200);
    if (blob && (req.method === 'HEAD' || req.method === 'GET')) {
      if (req.method === 'HEAD' && headsToDrop > 0) {
        headsToDrop--;
        return req.socket.destroy();
      }
      const bytes = blobs.get(blob[1]!)?.get(blob[2]!);
      if (!bytes) return json(res, 404, 'BLOB_UNKNOWN');
      res.writeHead(200, { 'content-length': bytes.length, 'docker-content-digest': blob[2] });
      return res.end(req.method === 'GET' ? bytes : undefined);
    }
    if (upload && req.method === 'POST') {
      const [repo, from, mount] = [upload[1]!, url.searchParams.get('from'), url.searchParams.get('mount')];
      if (from && mount) {
        if (opts.refuseMountFrom?.includes(from)) return json(res, 401, 'UNAUTHORIZED');
        const found = blobs.get(from)?.get(mount);
        if (found) {
          repoBlobs(repo).set(mount, found);
          return json(res, 201, undefined, { location: `/v2/${repo}/blobs/${mount}`, 'docker-content-digest': mount });
        }
      }
      const id = randomUUID();
      sessions.set(id, { repo, chunks: [], size: 0 });
      return json(res, 202, undefined, uploadHeaders(repo, id));
    }
    if (upload) {
      const [repo, id] = [upload[1]!, upload[2]!];
      const session = sessions.get(id);
      if (!session || session.repo !== repo) return json(res, 404, 'BLOB_UPLOAD_UNKNOWN');
      if (req.method === 'GET') return json(res, 204, undefined, uploadHeaders(repo, id));
      // Refusals are sent once the body has been read, so the client sees the answer, not a reset.
      const refuse = (status: number, code: string, headers: http.OutgoingHttpHeaders = {}) => req.on('end', () => json(res, status, code, headers)).resume();
      if (tooLarge) return refuse(413, 'SIZE_INVALID');
      if (uploadsToFail > 0) {
        uploadsToFail--;
        return refuse(503, 'UNAVAILABLE');
      }
      const range = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (req.method === 'PATCH' && range && Number(range[1]) !== session.size) return refuse(416, 'RANGE_INVALID', uploadHeaders(repo, id));
      // Bytes are kept as they arrive, so a body cut mid-way leaves them in the session.
      req.on('data', (c: Buffer) => {
        session.chunks.push(c);
        session.size += c.length;
      });
      req.on('end', () => {
        if (req.method === 'PATCH') return json(res, 202, undefined, uploadHeaders(repo, id));
        if (req.method !== 'PUT') return json(res, 405, 'UNSUPPORTED');
        const digest = url.searchParams.get('digest') ?? '';
        const bytes = Buffer.concat(session.chunks);
        if (sha256(bytes) !== digest) return json(res, 400, 'DIGEST_INVALID');
        sessions.delete(id);
        repoBlobs(repo).set(digest, bytes);
        return json(res, 201, undefined, { location: `/v2/${repo}/blobs/${digest}`, 'docker-content-digest': digest });
      });
      return;
    }
    if (manifest && req.method === 'PUT') {
      req.on('end', () => {
        const bytes = Buffer.concat(body);
        const entry = { bytes, mediaType: String(req.headers['content-type'] ?? '') };
        manifests.set(`${manifest[1]}:${manifest[2]}`, entry).set(`${manifest[1]}:${sha256(bytes)}`, entry);
        json(res, 201, undefined, { 'docker-content-digest': opts.manifestDigestOverride ?? sha256(bytes) });
      });
      return;
    }
    if (manifest && (req.method === 'GET' || req.method === 'HEAD')) {
      const m = manifests.get(`${manifest[1]}:${manifest[2]}`);
      if (!m) return json(res, 404, 'MANIFEST_UNKNOWN');
      res.writeHead(200, { 'content-type': m.mediaType, 'content-length': m.bytes.length, 'docker-content-digest': sha256(m.bytes) });
      return res.end(req.method === 'GET' ? m.bytes : undefined);
    }
    json(res, 404, 'UNSUPPORTED');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    blobs,
    manifests,
    addBlob: (repository, bytes) => {
      const digest = sha256(bytes);
      repoBlobs(repository).set(digest, bytes);
      return digest;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
