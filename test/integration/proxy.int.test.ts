// HTTPS_PROXY / HTTP_PROXY / NO_PROXY: requests go through a CONNECT proxy unless the host
// is excluded. The proxy is a real local one that records the tunnels it opened.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
let proxy: http.Server;
let proxyUrl: string;
const tunnels: string[] = [];
let cfg: string;

beforeAll(async () => {
  cfg = await mkdtemp(path.join(tmpdir(), 'regctl-proxy-'));
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await rm(cfg, { recursive: true, force: true });
});

describe.skipIf(!available)('proxy environment', () => {
  const open = inject('registries').open;

  it('tunnels registry traffic through HTTP_PROXY / HTTPS_PROXY', async () => {
    tunnels.length = 0;
    const r = await runCli(['--config', cfg, 'tags', `${open.host}/demo/hello`], {
      env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '', http_proxy: undefined, https_proxy: undefined, no_proxy: undefined },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'v1\n' });
    expect(tunnels).toContain(open.host);
  });

  it('speaks TLS to an HTTPS registry inside the tunnel, verifying it against certs.d', async () => {
    tunnels.length = 0;
    const tls = inject('registries').tls;
    const r = await runCli(['--config', cfg, '--certs-dir', inject('certsDir'), 'tags', `${tls.host}/demo/hello`], {
      env: { HTTPS_PROXY: proxyUrl, NO_PROXY: '', http_proxy: undefined, https_proxy: undefined, no_proxy: undefined, HTTP_PROXY: undefined },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'v1\n' });
    expect(tunnels).toEqual([tls.host]);
  });

  it('tunnels through the same proxy variables on the opt-in undici stack', async () => {
    tunnels.length = 0;
    const r = await runCli(['--config', cfg, 'tags', `${open.host}/demo/hello`], {
      env: { REGCTL_HTTP_STACK: 'undici', HTTP_PROXY: proxyUrl.replace('http://', ''), NO_PROXY: '', http_proxy: undefined, https_proxy: undefined, no_proxy: undefined },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'v1\n' });
    expect(tunnels).toContain(open.host);
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    tunnels.length = 0;
    const r = await runCli(['--config', cfg, 'tags', `${open.host}/demo/hello`], {
      env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1', http_proxy: undefined, https_proxy: undefined, no_proxy: undefined },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'v1\n' });
    expect(tunnels).toEqual([]);
  });
});
