// Keep-alive connection pools for node:http, one per (scheme, TLS profile, proxy). Through a
// proxy, every connection is a CONNECT tunnel, for http:// registries too: that is what undici's
// EnvHttpProxyAgent (the previous stack) did, and what proxies that only allow CONNECT need.
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { RegctlError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { tlsConnectOptions, tlsKey } from './http.js';
import type { TlsOptions } from './tls.js';

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** How long an idle connection is kept for reuse (undici's default was 4 s; a pull's manifest->blob gaps are shorter). */
const KEEP_ALIVE_MS = 10_000;

export class ConnectionPools {
  private readonly agents = new Map<string, http.Agent>();

  agentFor(url: URL, tlsOptions: TlsOptions | undefined, proxy: URL | undefined): http.Agent {
    const secure = url.protocol === 'https:';
    const key = `${secure ? 'https' : 'http'}|${secure ? tlsKey(tlsOptions) : ''}|${proxy?.href ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const base = { keepAlive: true, keepAliveMsecs: 1_000, timeout: KEEP_ALIVE_MS, scheduling: 'lifo' as const };
      const connect = secure ? tlsConnectOptions(tlsOptions) : undefined;
      agent = connect ? new https.Agent({ ...base, ...connect }) : new http.Agent(base);
      if (proxy) tunnelThrough(agent, proxy, connect);
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** Makes `agent` open each connection as a CONNECT tunnel through `proxy` (TLS inside it for https). */
function tunnelThrough(agent: http.Agent, proxy: URL, tlsOptions: tls.ConnectionOptions | undefined): void {
  const createConnection = (options: http.ClientRequestArgs, callback: ConnectCallback): undefined => {
    const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port) || (tlsOptions ? 443 : 80);
    openTunnel(proxy, host, port).then(
      (socket) => {
        if (!tlsOptions) return callback(null, socket);
        const secured = tls.connect({ ...tlsOptions, socket, ...(isIP(host) ? {} : { servername: host }) });
        callback(null, secured);
      },
      (err: Error) => callback(err, undefined as unknown as Duplex),
    );
    return undefined;
  };
  (agent as unknown as { createConnection: typeof createConnection }).createConnection = createConnection;
}

function openTunnel(proxy: URL, host: string, port: number): Promise<Socket> {
  const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const headers: Record<string, string> = { host: target };
  if (proxy.username) {
    const user = decodeURIComponent(proxy.username);
    const pass = decodeURIComponent(proxy.password);
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const request = proxy.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
    });
    req.once('connect', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        const err = new RegctlError('REGCTL_NETWORK', `proxy ${redactUrl(proxy.href)} refused CONNECT ${target}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
        reject(Object.assign(err, { errno: 'ERR_PROXY_CONNECT' }));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.once('error', reject);
    req.end();
  });
}
