// A reverse proxy in front of a real registry that records every request and counts the
// body bytes it relays both ways, so tests can prove "no blob bytes transferred" at the wire
// (downloads for pulls, request bodies for pushes).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  url: string;
  status: number;
  /** Response body bytes relayed to the client. */
  bytes: number;
  /** Request body bytes relayed to the registry. */
  sent: number;
}

export interface CountingProxy {
  url: string;
  host: string;
  requests: ProxiedRequest[];
  /** Body bytes relayed for blob GETs. */
  blobBytes(): number;
  /** Request body bytes relayed for blob uploads (PATCH/PUT/POST under /blobs/uploads/). */
  uploadBytes(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const record: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0, bytes: 0, sent: 0 };
    requests.push(record);
    const headers = { ...req.headers, host: target.host };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
      record.status = upRes.statusCode ?? 0;
      // Rewrite absolute Location headers so uploads and redirects come back through the proxy.
      const h = { ...upRes.headers };
      if (typeof h.location === 'string') h.location = h.location.replace(target.origin, `http://${req.headers.host}`);
      res.writeHead(upRes.statusCode ?? 502, h);
      upRes.on('data', (c: Buffer) => (record.bytes += c.length));
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.on('data', (c: Buffer) => (record.sent += c.length));
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    blobBytes: () => requests.filter((r) => r.method === 'GET' && r.url.includes('/blobs/')).reduce((a, r) => a + r.bytes, 0),
    uploadBytes: () => requests.filter((r) => r.url.includes('/blobs/uploads/')).reduce((a, r) => a + r.sent, 0),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
