// Registries and token servers that take the connection and then say nothing, or trickle a byte
// at a time: each must end in one timeout error after about the configured wait (small here, so
// the tests stay fast), without the retries and ping fallbacks multiplying it (4 attempts x 6
// pings x 30 s was ~12 minutes at the defaults).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReference } from '../../../src/reference/parse.js';
import { getManifest } from '../../../src/store/remote/manifest.js';
import { RemoteRegistry } from '../../../src/store/remote/remote-registry.js';
import { NodeHttpClient } from '../../../src/transport/node-http-client.js';
import { parseTimeout } from '../../../src/transport/timeouts.js';
import { bearerChallenge } from '../../helpers/edge-routes.js';
import { startEdgeServer } from '../../helpers/edge-server.js';
import { runCli } from '../../helpers/run-cli.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** Accepts every connection and never writes a byte; counts the connections. */
async function silentServer(): Promise<{ host: string; port: number; connections: () => number }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }) });
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, port, connections: () => count };
}

function remote(timeoutMs: number, onWaiting?: (host: string) => void): RemoteRegistry {
  const r = new RemoteRegistry({ timeoutMs, ...(onWaiting ? { onWaiting } : {}) });
  open.push(r);
  return r;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ err: unknown; ms: number }> {
  const start = Date.now();
  const err = await fn().then(() => undefined, (e: unknown) => e);
  return { err, ms: Date.now() - start };
}

describe('a registry that never answers', () => {
  it('fails after the timeout, HTTPS then HTTP once each: no retries of an unanswered request', async () => {
    const s = await silentServer();
    const waited: string[] = [];
    const { err, ms } = await timed(() => getManifest(remote(300, (h) => waited.push(h)), parseReference(`${s.host}/team/app:v1`)));
    expect(err).toMatchObject({ code: 'REGCTL_TIMEOUT', message: `GET http://${s.host}/v2/: timed out (no response within 300 ms)` });
    expect((err as { hint?: string }).hint).toMatch(/--timeout/);
    expect(s.connections()).toBe(2); // https://, then the loopback fallback to http://
    expect(ms).toBeLessThan(2_000);
    expect(waited).toEqual([s.host, s.host]);
  });

  it('a silent token endpoint fails the same way, after one attempt', async () => {
    const token = await silentServer();
    const registry = await startEdgeServer();
    open.push(registry);
    registry.on('GET', '/v2/', bearerChallenge(`http://${token.host}/token`, 'edge'));
    registry.on('GET', '/v2/team/app/manifests/v1', bearerChallenge(`http://${token.host}/token`, 'edge', 'repository:team/app:pull'));
    const { err, ms } = await timed(() => getManifest(remote(300), parseReference(`${registry.host}/team/app:v1`)));
    expect(err).toMatchObject({ code: 'REGCTL_TIMEOUT', message: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/token\?.*: timed out \(no response within 300 ms\)$/) });
    expect(token.connections()).toBe(1);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('a server that trickles', () => {
  it('a body arriving a byte at a time is cut after the stall window (twice the timeout)', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      const tick = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    const client = new NodeHttpClient({ timeoutMs: 200 });
    open.push(client);
    const res = await client.send({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob` });
    const { err, ms } = await timed(() => res.bytes());
    expect(err).toMatchObject({ code: 'REGCTL_NETWORK', message: expect.stringContaining('response stalled: less than 1024 bytes in 400 ms') });
    expect(ms).toBeLessThan(1_500);
  });

  it('a body that keeps flowing is not cut, however long it takes', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(20 * 4096) });
      let n = 0;
      const tick = setInterval(() => (++n <= 20 ? res.write(Buffer.alloc(4096)) : (clearInterval(tick), res.end())), 25);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const client = new NodeHttpClient({ timeoutMs: 100 });
    open.push(client);
    const res = await client.send({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob` });
    expect((await res.bytes()).length).toBe(20 * 4096); // ~0.5 s, a few stall windows
  });
});

describe('the stall watchdog', () => {
  it('keeps no process alive: a body left unread (a writer skipped it) holds no ref\'d timer', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(1000));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    const client = new NodeHttpClient({ timeoutMs: 30_000 });
    open.push(client);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await client.send({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob` });
    // The 60 s check would keep `regctl pull` running a minute after its work is done.
    expect(timers()).toBe(before);
  });
});

describe('--timeout and REGCTL_TIMEOUT', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['500ms', 500],
    ['45', 45_000],
    ['1.5s', 1_500],
  ])('%s is %i ms', (text, ms) => expect(parseTimeout(text)).toBe(ms));

  it.each(['0', '-1s', 'soon', '10h', ''])('%j is refused', (text) => {
    expect(() => parseTimeout(text)).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
  });

  it('the CLI shows `Waiting for HOST…` on a terminal, then one error line, exit 5', async () => {
    const s = await silentServer();
    const r = await runCli(['--timeout', '400ms', 'manifest', 'inspect', `${s.host}/team/app:v1`], { stderrIsTTY: true, env: { DOCKER_CONFIG: '/nonexistent' } });
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`Waiting for ${s.host}…`);
    expect(lines[1]).toBe(`Error: GET http://${s.host}/v2/: timed out (no response within 400 ms)`);
    expect(lines.slice(2).every((l) => l.startsWith('hint: '))).toBe(true);
    expect(r.code).toBe(5);
  });

  it('REGCTL_TIMEOUT sets it, no waiting line off a terminal, and a bad value is a usage error', async () => {
    const s = await silentServer();
    const r = await runCli(['manifest', 'inspect', `${s.host}/team/app:v1`], { env: { REGCTL_TIMEOUT: '300ms', DOCKER_CONFIG: '/nonexistent' } });
    expect(r.stderr.split('\n')[0]).toBe(`Error: GET http://${s.host}/v2/: timed out (no response within 300 ms)`);
    expect(r.code).toBe(5);
    const bad = await runCli(['manifest', 'inspect', `${s.host}/team/app:v1`], { env: { REGCTL_TIMEOUT: 'soon', DOCKER_CONFIG: '/nonexistent' } });
    expect(bad.stderr.split('\n')[0]).toBe('Error: invalid REGCTL_TIMEOUT value "soon": expected a duration such as 30s, 2m or 500ms');
    expect(bad.code).toBe(2);
  });
});

