// A route-table HTTP(S) server on 127.0.0.1, port 0, for registry behaviour that
// distribution 2.8 cannot produce (tag pages, cross-host redirects, non-JSON
// errors, 429/5xx sequences, lying bodies). Every request is recorded. Routes
// added later win over earlier ones, so a test can override a default route.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface EdgeRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The route's RegExp match (string routes: null). */
  match: RegExpExecArray | null;
  /** 1 for the first request this route served, 2 for the second, ... */
  hit: number;
  /** CN of the client certificate presented over TLS, if any. */
  clientCertCN: string | undefined;
}

export type EdgeHandler = (req: EdgeRequest, res: http.ServerResponse) => void | Promise<void>;

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  clientCertCN: string | undefined;
}

export interface EdgeServer {
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  /** method '*' matches any; a GET route also answers HEAD unless a HEAD route exists. */
  on(method: string, path: string | RegExp, handler: EdgeHandler): EdgeServer;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface EdgeServerOptions {
  /** PEM strings: serve HTTPS; with `ca` and requestClientCert, ask for a client certificate. */
  tls?: { cert: string; key: string; ca?: string; requestClientCert?: boolean };
}

interface Route { method: string; path: string | RegExp; handler: EdgeHandler; hits: number }

export async function startEdgeServer(options: EdgeServerOptions = {}): Promise<EdgeServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];

  const find = (method: string, pathname: string) => {
    const matching = (m: string) => {
      for (let i = routes.length - 1; i >= 0; i--) {
        const route = routes[i]!;
        if (route.method !== m && route.method !== '*') continue;
        if (typeof route.path === 'string' ? route.path === pathname : route.path.test(pathname)) return route;
      }
      return undefined;
    };
    return matching(method) ?? (method === 'HEAD' ? matching('GET') : undefined);
  };

  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const body = Buffer.concat(chunks);
      const clientCertCN = peerCommonName(req.socket as TLSSocket);
      requests.push({ method, url: req.url ?? '/', headers: req.headers, body, clientCertCN });
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const route = find(method, url.pathname);
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: `edge server: no route for ${method} ${url.pathname}` }] }));
        return;
      }
      route.hits += 1;
      const match = route.path instanceof RegExp ? new RegExp(route.path.source, route.path.flags).exec(url.pathname) : null;
      Promise.resolve(route.handler({ method, url, headers: req.headers, body, match, hit: route.hits, clientCertCN }, res)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`edge handler failed: ${String(error)}`);
      });
    });
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, requestCert: options.tls.requestClientCert ?? false, rejectUnauthorized: false }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const edge: EdgeServer = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    on(method, path, handler) {
      routes.push({ method: method.toUpperCase(), path, handler, hits: 0 });
      return edge;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return edge;
}

function peerCommonName(socket: TLSSocket): string | undefined {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const cn = socket.getPeerCertificate()?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}
