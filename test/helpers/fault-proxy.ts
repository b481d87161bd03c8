// A reverse proxy in front of a real registry that injects faults into blob downloads at the
// wire: it can cut the connection after N body bytes (the client sees a dropped socket), strip
// the Range header (a registry that ignores Range), or throttle the body so that a process can
// be killed in the middle of a layer. Every request is recorded with its Range header.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRequest {
  method: string;
  url: string;
  range: string | undefined;
  status: number;
  /** Response body bytes relayed to the client. */
  bytes: number;
  /** Request body bytes relayed to the registry. */
  sent: number;
}

export interface BlobFault {
  /** Destroy the connection after relaying this many body bytes. */
  cutAfter?: number;
  /** Forward without the Range header (the registry then answers 200 with the whole blob). */
  stripRange?: boolean;
  /** Relay the body at about this rate. */
  bytesPerSecond?: number;
}

export interface FaultProxy {
  url: string;
  host: string;
  requests: FaultRequest[];
  /** Faults injected so far (cuts). */
  cuts(): number;
  blobGets(): FaultRequest[];
  /** Relay request bodies (uploads) at about this rate per request; undefined: full speed. */
  throttleUploads(bytesPerSecond: number | undefined): void;
  /** Request body bytes relayed for blob uploads. */
  uploadBytes(): number;
  /** Starts the per-path blob GET count (`n`) again from 1. */
  resetCounts(): void;
  close(): Promise<void>;
}

/** `policy` is asked for each blob GET (n: 1 for the first blob GET of that path). */
export async function startFaultProxy(upstream: string, policy: (req: { url: string; n: number }) => BlobFault | undefined = () => undefined): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: FaultRequest[] = [];
  const seen = new Map<string, number>();
  let cuts = 0;
  let uploadRate: number | undefined;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
    const record: FaultRequest = { method: req.method ?? 'GET', url, range, status: 0, bytes: 0, sent: 0 };
    requests.push(record);
    const isBlobGet = req.method === 'GET' && /\/blobs\/sha256:/.test(url);
    const n = isBlobGet ? (seen.get(url) ?? 0) + 1 : 0;
    if (isBlobGet) seen.set(url, n);
    const fault = (isBlobGet ? policy({ url, n }) : undefined) ?? {};
    const headers = { ...req.headers, host: target.host };
    if (fault.stripRange) delete headers.range;
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: url, headers }, (upRes) => {
      record.status = upRes.statusCode ?? 0;
      const h = { ...upRes.headers };
      if (typeof h.location === 'string') h.location = h.location.replace(target.origin, `http://${req.headers.host}`);
      res.writeHead(upRes.statusCode ?? 502, h);
      relay(upRes, res, record, fault, () => cuts++);
    });
    up.on('error', () => res.destroy());
    const rate = uploadRate;
    req.on('data', (c: Buffer) => {
      record.sent += c.length;
      if (!up.write(c) || rate) {
        req.pause();
        const resume = () => req.resume();
        if (rate) setTimeout(resume, Math.ceil((c.length / rate) * 1000));
        else up.once('drain', resume);
      }
    });
    req.on('end', () => up.end());
    req.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    cuts: () => cuts,
    resetCounts: () => seen.clear(),
    throttleUploads: (bps) => (uploadRate = bps),
    uploadBytes: () => requests.filter((r) => r.url.includes('/blobs/uploads/')).reduce((a, r) => a + r.sent, 0),
    blobGets: () => requests.filter((r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.url)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function relay(upRes: http.IncomingMessage, res: http.ServerResponse, record: FaultRequest, fault: BlobFault, onCut: () => void): void {
  let cut = false;
  const cutNow = () => {
    cut = true;
    onCut();
    upRes.destroy();
    res.socket?.destroy();
  };
  upRes.on('data', (chunk: Buffer) => {
    if (cut) return;
    let piece = chunk;
    if (fault.cutAfter !== undefined && record.bytes + piece.length >= fault.cutAfter) {
      piece = piece.subarray(0, fault.cutAfter - record.bytes);
      record.bytes += piece.length;
      res.write(piece, () => setTimeout(cutNow, 20));
      upRes.pause();
      cut = true; // no more writes; cutNow follows once the kept bytes are out
      return;
    }
    record.bytes += piece.length;
    const more = res.write(piece);
    if (fault.bytesPerSecond) {
      upRes.pause();
      setTimeout(() => upRes.resume(), Math.ceil((piece.length / fault.bytesPerSecond) * 1000));
    } else if (!more) {
      upRes.pause();
      res.once('drain', () => upRes.resume());
    }
  });
  upRes.on('end', () => {
    if (!cut) res.end();
  });
  upRes.on('error', () => res.destroy());
  res.on('close', () => upRes.destroy());
}
