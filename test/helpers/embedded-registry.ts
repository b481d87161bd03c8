// regctl's own embedded registry (`regctl registry serve`) shaped as a RunningRegistry, so the
// global setup can put it in place of distribution's open registry: REGCTL_TEST_OPEN=embedded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRegistryServer } from '../../src/registry-server/server.js';
import type { RunningRegistry } from './registry-process.js';

export function embeddedOpenRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.REGCTL_TEST_OPEN === 'embedded';
}

export async function startEmbeddedRegistry(parentDir?: string): Promise<RunningRegistry> {
  const started = performance.now();
  const dir = await mkdtemp(path.join(parentDir ?? tmpdir(), 'registry-embedded-'));
  const log: string[] = [];
  const server = await startRegistryServer('127.0.0.1:0', { dir, onRequest: (m, u, s) => log.push(`${m} ${u} -> ${s}`) });
  const port = Number(server.address.split(':').pop());
  return {
    mode: 'open',
    url: server.url,
    host: server.address,
    port,
    pid: process.pid,
    storageDir: dir,
    startMs: performance.now() - started,
    output: () => log.slice(-500).join('\n'),
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
