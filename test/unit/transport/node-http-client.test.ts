// The node:http stack against real local servers: what the layers above rely on (repeated
// headers, connection reuse, draining, timeouts, aborts, request bodies, CONNECT proxies).
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RegctlError } from '../../../src/errors.js';
import { NodeHttpClient } from '../../../src/transport/node-http-client.js';
import { isRetryableNetworkError } from '../../../src/transport/retry.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Served {
  url: string;
  host: string;
  connections: () => number;
  bodies: Buffer[];
  headers: http.IncomingHttpHeaders[];
}

async function serve(handler: http.RequestListener): Promise<Served> {
  const bodies: Buffer[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let connections = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    bodies.push(Buffer.concat(chunks));
    headers.push(req.headers);
    handler(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { url: `http://${host}`, host, connections: () => connections, bodies, headers };
}

function client(env: NodeJS.ProcessEnv = {}): NodeHttpClient {
  const c = new NodeHttpClient({ env });
  cleanups.push(() => c.close());
  return c;
}

describe('NodeHttpClient', () => {
  it('keeps every value of a repeated header, which node itself would join', async () => {
    const s = await serve((_req, res) => {
      res.setHeader('WWW-Authenticate', ['Bearer realm="https://a/token"', 'Basic realm="x"']);
      res.end('hi');
    });
    const res = await client().send({ method: 'GET', url: `${s.url}/v2/` });
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.headers.getAll('www-authenticate')).toEqual(['Bearer realm="https://a/token"', 'Basic realm="x"']);
    expect(await res.text()).toBe('hi');
  });

  it('reuses one connection for requests in sequence, and after a small unread body is dumped', async () => {
    const s = await serve((_req, res) => res.end('x'.repeat(1000)));
    const c = client();
    for (let i = 0; i < 3; i++) {
      const res = await c.send({ method: 'GET', url: `${s.url}/v2/` });
      await res.dump();
    }
    await (await c.send({ method: 'HEAD', url: `${s.url}/v2/` })).dump();
    expect(s.connections()).toBe(1);
  });

  it('cuts the connection instead of downloading a large unread body', async () => {
    let sent = 0;
    const s = await serve((_req, res) => {
      res.setHeader('content-length', String(64 * 1024 * 1024));
      const chunk = Buffer.alloc(64 * 1024);
      const push = () => {
        while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) res.once('drain', push);
      };
      res.on('error', () => undefined);
      push();
    });
    const c = client();
    const res = await c.send({ method: 'GET', url: `${s.url}/big` });
    await res.dump();
    expect(res.body.destroyed).toBe(true);
    await (await c.send({ method: 'GET', url: `${s.url}/big` })).dump();
    expect(s.connections()).toBe(2);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('sends string, byte and streamed bodies (the streamed one with the caller\'s content-length)', async () => {
    const s = await serve((_req, res) => res.end());
    const c = client();
    await (await c.send({ method: 'PUT', url: `${s.url}/a`, body: '{"a":1}' })).dump();
    await (await c.send({ method: 'PUT', url: `${s.url}/b`, body: new Uint8Array([1, 2, 3]) })).dump();
    async function* parts() {
      yield Buffer.from('abc');
      yield Buffer.from('def');
    }
    await (await c.send({ method: 'PUT', url: `${s.url}/c`, body: parts(), headers: { 'content-length': '6' } })).dump();
    await (await c.send({ method: 'PUT', url: `${s.url}/d`, body: Readable.from([Buffer.from('chunked')]) })).dump();
    expect(s.bodies.map((b) => b.toString())).toEqual(['{"a":1}', '\u0001\u0002\u0003', 'abcdef', 'chunked']);
    expect(s.headers.map((h) => h['content-length'] ?? h['transfer-encoding'])).toEqual(['7', '3', '6', 'chunked']);
  });

  it('fails with the request body\'s own error as the cause, not a socket hang-up', async () => {
    const s = await serve((_req, res) => res.end());
    class LocalReadError extends Error {}
    async function* failing() {
      yield Buffer.from('abc');
      throw new LocalReadError('disk went away');
    }
    const err = await client().send({ method: 'PUT', url: `${s.url}/x`, body: failing() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_NETWORK' });
    expect((err as Error).cause).toBeInstanceOf(LocalReadError);
  });

  it('passes a RegctlError from the request body through unchanged', async () => {
    const s = await serve((_req, res) => res.end());
    const mismatch = new RegctlError('REGCTL_DIGEST_MISMATCH', 'local blob changed while uploading');
    async function* failing() {
      yield Buffer.from('abc');
      throw mismatch;
    }
    await expect(client().send({ method: 'PUT', url: `${s.url}/x`, body: failing() })).rejects.toBe(mismatch);
  });

  it('gives up waiting for headers after headersTimeoutMs with a retryable timeout', async () => {
    const s = await serve(() => undefined); // never answers
    const err = await client().send({ method: 'GET', url: `${s.url}/slow`, headersTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_TIMEOUT', errno: 'ERR_HTTP_HEADERS_TIMEOUT' });
    expect(isRetryableNetworkError(err)).toBe(true);
  });

  it('fails a body that goes silent for bodyTimeoutMs', async () => {
    const s = await serve((_req, res) => {
      res.setHeader('content-length', '100');
      res.write('only part');
    });
    const res = await client().send({ method: 'GET', url: `${s.url}/stall`, bodyTimeoutMs: 50 });
    const err = await res.bytes().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_NETWORK' });
    expect(isRetryableNetworkError(err)).toBe(true);
  });

  it('reports an abort as REGCTL_ABORTED', async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    const pending = client().send({ method: 'GET', url: `${s.url}/x`, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
  });

  it('reports a refused connection as a retryable network error', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await client().send({ method: 'GET', url: `http://127.0.0.1:${port}/v2/` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_NETWORK' });
    expect(isRetryableNetworkError(err)).toBe(true);
  });
});

describe('NodeHttpClient through a CONNECT proxy', () => {
  async function proxy(opts: { status?: number } = {}) {
    const tunnels: { target: string; auth: string | undefined }[] = [];
    const server = http.createServer((_req, res) => res.writeHead(405).end());
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      tunnels.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
      if (opts.status) {
        socket.end(`HTTP/1.1 ${opts.status} Proxy Authentication Required\r\n\r\n`);
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels };
  }

  it('tunnels, sends the proxy credentials from the URL, and reuses the tunnel', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const p = await proxy();
    const c = client({ HTTP_PROXY: p.url.replace('http://', 'http://u%40x:p%3Aw@') });
    for (let i = 0; i < 2; i++) expect(await (await c.send({ method: 'GET', url: `${s.url}/v2/` })).text()).toBe('ok');
    expect(p.tunnels).toEqual([{ target: s.host, auth: `Basic ${Buffer.from('u@x:p:w').toString('base64')}` }]);
  });

  it('says which proxy refused the tunnel, without its credentials', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const p = await proxy({ status: 407 });
    const err = await client({ HTTP_PROXY: p.url.replace('http://', 'http://user:secretpw@') })
      .send({ method: 'GET', url: `${s.url}/v2/` })
      .catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'REGCTL_NETWORK' });
    expect((err as Error).message).toContain(`refused CONNECT ${s.host}: 407`);
    expect((err as Error).message).not.toContain('secretpw');
  });

  it('goes direct for NO_PROXY hosts', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const p = await proxy();
    const c = client({ HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' });
    expect(await (await c.send({ method: 'GET', url: `${s.url}/v2/` })).text()).toBe('ok');
    expect(p.tunnels).toEqual([]);
  });
});
