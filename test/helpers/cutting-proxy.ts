// A TCP proxy that drops a connection in the middle of an upload: it relays both directions
// byte for byte, and once the bytes sent by clients (over all connections) pass `cutAfter`, it
// forwards exactly up to that point and then destroys both sides of that connection. It cuts
// `times` times (default once), `cutAfter` bytes apart, then relays normally, so a client that
// recovers succeeds.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  /** `127.0.0.1:PORT`, to put in image references. */
  host: string;
  port: number;
  /** Connections cut so far. */
  cuts(): number;
  /** Client-to-server bytes relayed (what the server received). */
  relayed(): number;
  close(): Promise<void>;
}

export async function startCuttingProxy(upstream: { host: string; port: number }, opts: { cutAfter: number; times?: number }): Promise<CuttingProxy> {
  const times = opts.times ?? 1;
  let relayed = 0;
  let nextCut = opts.cutAfter;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const server = net.connect(upstream.port, upstream.host);
    sockets.add(client).add(server);
    const drop = () => {
      client.destroy();
      server.destroy();
    };
    client.on('close', () => sockets.delete(client) && server.end());
    server.on('close', () => sockets.delete(server) && client.end());
    client.on('error', drop);
    server.on('error', drop);
    server.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (cuts < times && relayed + chunk.length >= nextCut) {
        const keep = nextCut - relayed;
        relayed += keep;
        cuts++;
        nextCut = relayed + opts.cutAfter; // the next cut, if `times` allows one
        // Let the server see the bytes before the cut point, then drop the connection.
        server.write(chunk.subarray(0, keep), () => setTimeout(drop, 20));
        client.pause();
        return;
      }
      relayed += chunk.length;
      server.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    cuts: () => cuts,
    relayed: () => relayed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
