// An edge server answering the v2 ping without auth, and a RemoteRegistry to talk to it: the
// setup of the remote-store unit tests. Both are closed after each test of the calling file.
import { afterEach } from 'vitest';
import { RemoteRegistry, type RemoteOptions } from '../../src/store/remote/remote-registry.js';
import { sendJson } from './edge-routes.js';
import { startEdgeServer, type EdgeServer } from './edge-server.js';

export type OpenEdgeRegistry = () => Promise<{ s: EdgeServer; remote: RemoteRegistry }>;

/** Registers the afterEach hook; each call of the returned function starts a fresh pair. */
export function useOpenEdgeRegistry(options: RemoteOptions = {}): OpenEdgeRegistry {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((close) => close()));
  });
  return async () => {
    const s = await startEdgeServer();
    const remote = new RemoteRegistry(options);
    open.push(() => s.close(), () => remote.close());
    s.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
    return { s, remote };
  };
}
