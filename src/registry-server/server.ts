// The embedded registry: the OCI distribution API (pull, push, content discovery with the
// referrers API, content management) on node:http, backed by RegistryStorage. No auth: meant
// for loopback development and CI.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { parseDigest } from '../oci/digest.js';
import { isValidPath, NAME_MAX_LENGTH } from '../reference/grammar.js';
import { handleBlob } from './blob-routes.js';
import { API_VERSION_HEADER, HttpError, paginate, sendError, sendJson } from './http-util.js';
import { handleManifest } from './manifest-routes.js';
import { handleReferrers } from './referrers-route.js';
import { RegistryStorage } from './storage.js';
import { handleUploadSession, handleUploadStart } from './upload-routes.js';

export interface RegistryServerOptions {
  dir: string;
  /** Called once per request, e.g. for a log line. */
  onRequest?: (method: string, path: string, status: number) => void;
  /** Bytes of one referrers page (default 4 MiB); smaller values let tests see the Link paging. */
  referrersPageBytes?: number;
}

function checkName(repo: string): string {
  if (!isValidPath(repo) || repo.length > NAME_MAX_LENGTH) throw new HttpError('NAME_INVALID', `invalid repository name: ${repo}`);
  return repo;
}

function only(req: IncomingMessage, ...methods: string[]): void {
  if (!methods.includes(req.method ?? '')) throw new HttpError('UNSUPPORTED', `${req.method} not supported here`);
}

async function route(storage: RegistryStorage, req: IncomingMessage, res: ServerResponse, opts: RegistryServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry.invalid');
  const p = decodeURIComponent(url.pathname);
  const q = url.searchParams;
  let m: RegExpExecArray | null;
  if (p === '/v2/' || p === '/v2') {
    only(req, 'GET', 'HEAD');
    return sendJson(res, 200, {});
  }
  if (p === '/v2/_catalog') {
    only(req, 'GET');
    const { page, link } = paginate(await storage.repositories(), q, '/v2/_catalog');
    return sendJson(res, 200, { repositories: page }, link ? { link } : {});
  }
  if ((m = /^\/v2\/(.+)\/tags\/list$/.exec(p))) {
    only(req, 'GET');
    const repo = checkName(m[1]!);
    const tags = await storage.tags(repo);
    if (!tags) throw new HttpError('NAME_UNKNOWN', 'repository name not known to registry', { name: repo });
    const { page, link } = paginate(tags, q, `/v2/${repo}/tags/list`);
    return sendJson(res, 200, { name: repo, tags: page }, link ? { link } : {});
  }
  if ((m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(p))) {
    only(req, 'POST');
    return handleUploadStart(storage, req, res, checkName(m[1]!), q);
  }
  if ((m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(p))) return handleUploadSession(storage, req, res, checkName(m[1]!), m[2]!, q);
  if ((m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(p))) {
    only(req, 'GET', 'HEAD', 'DELETE');
    const repo = checkName(m[1]!);
    try {
      parseDigest(m[2]!);
    } catch {
      throw new HttpError('DIGEST_INVALID', `invalid digest: ${m[2]}`);
    }
    return handleBlob(storage, req, res, repo, m[2]!);
  }
  if ((m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(p))) {
    only(req, 'GET', 'HEAD');
    const repo = checkName(m[1]!);
    try {
      parseDigest(m[2]!);
    } catch {
      throw new HttpError('DIGEST_INVALID', `invalid digest: ${m[2]}`);
    }
    return handleReferrers(storage, req, res, repo, m[2]!, q, opts.referrersPageBytes);
  }
  if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p))) {
    only(req, 'GET', 'HEAD', 'PUT', 'DELETE');
    return handleManifest(storage, req, res, checkName(m[1]!), m[2]!);
  }
  throw new HttpError('NAME_UNKNOWN', 'not found', { path: p }, 404);
}

export function createRegistryServer(opts: RegistryServerOptions): { server: Server; storage: RegistryStorage } {
  const storage = new RegistryStorage(opts.dir);
  const server = createServer((req, res) => {
    route(storage, req, res, opts)
      .catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof HttpError) return sendError(res, err, req.method === 'HEAD');
        const body = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: (err as Error)?.message ?? 'internal error' }] });
        res.writeHead(500, { ...API_VERSION_HEADER, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      })
      .finally(() => opts.onRequest?.(req.method ?? '', req.url ?? '', res.statusCode));
  });
  return { server, storage };
}

export interface RunningRegistryServer {
  /** `127.0.0.1:PORT` as bound (the real port when 0 was asked for). */
  address: string;
  url: string;
  close(): Promise<void>;
}

/** Starts serving on `addr` (HOST:PORT, port 0 picks a free one). */
export async function startRegistryServer(addr: string, opts: RegistryServerOptions): Promise<RunningRegistryServer> {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new UsageError(`invalid address ${addr}: expected HOST:PORT, e.g. 127.0.0.1:5000 (port 0 picks a free one)`);
  const host = m[1] ?? (m[2] || '127.0.0.1');
  const { server, storage } = createRegistryServer(opts);
  await storage.init();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(m[3]), host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const shown = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  return {
    address: shown,
    url: `http://${shown}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await storage.close();
    },
  };
}
