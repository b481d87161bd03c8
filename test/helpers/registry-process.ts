// Starts Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1, port 0,
// in one of five modes, and finds the bound port in its log. Each registry gets
// its own temp dir (config + storage). Processes are spawned directly (no shell)
// so that stop() kills the registry itself, and every live one is killed when
// this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawRequest } from './raw-http.js';
import { registryConfigYaml } from './registry-config.js';

export type RegistryMode = 'open' | 'htpasswd' | 'token' | 'tls' | 'mirror';

export interface StartRegistryOptions {
  mode: RegistryMode;
  /** Parent dir for this registry's temp dir (default: the OS temp dir). */
  parentDir?: string;
  /** htpasswd mode; default fixtures/htpasswd (alice/alicepw, bob/bobpw). */
  htpasswdPath?: string;
  /** token mode. */
  token?: { realm: string; certPath: string; service?: string; issuer?: string };
  /** Required in tls mode; also turns HTTPS on for any other mode. */
  tls?: { certPath: string; keyPath: string; clientCaPath?: string };
  /** mirror mode: upstream base URL (it must already answer) and optional token-auth credentials. */
  upstream?: { url: string; username?: string; password?: string };
  binary?: string;
  startTimeoutMs?: number;
  /** Listen on this port (default: an ephemeral one); a restart test reuses the old port. */
  port?: number;
  /** Use (and keep on stop()) this storage dir instead of a fresh one: a restart keeps the data. */
  storageDir?: string;
  /** storage.delete.enabled (default true); false answers DELETE with 405 UNSUPPORTED. */
  deletes?: boolean;
}

export interface RunningRegistry {
  mode: RegistryMode;
  url: string;
  /** `127.0.0.1:PORT`, as it appears in image references. */
  host: string;
  port: number;
  pid: number;
  storageDir: string;
  /** Milliseconds from the call to the `listening on` log line. */
  startMs: number;
  /** The last 64 KiB of the registry's log, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export const DEFAULT_HTPASSWD = fileURLToPath(new URL('../../fixtures/htpasswd', import.meta.url));
const live = new Set<ChildProcess>();
const OUTPUT_LIMIT = 64 * 1024;

export async function startRegistry(options: StartRegistryOptions): Promise<RunningRegistry> {
  const started = performance.now();
  if (options.mode === 'tls' && !options.tls) throw new Error('tls mode needs options.tls');
  if (options.mode === 'token' && !options.token) throw new Error('token mode needs options.token');
  if (options.mode === 'mirror') await assertUpstreamAnswers(options.upstream?.url);

  const dir = await mkdtemp(path.join(options.parentDir ?? tmpdir(), `registry-${options.mode}-`));
  const storageDir = options.storageDir ?? path.join(dir, 'storage');
  const configPath = path.join(dir, 'config.yml');
  await writeFile(configPath, registryConfigYaml({ ...options, htpasswdPath: options.htpasswdPath ?? DEFAULT_HTPASSWD, storageDir }));

  // REGISTRY_* variables override the file: drop any the caller's environment has.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  env.REGISTRY_HTTP_ADDR = `127.0.0.1:${options.port ?? 0}`;
  const child = spawn(options.binary ?? 'docker-registry', ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  installExitHandlers();

  const log = new LogTail(OUTPUT_LIMIT);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; live.delete(child); resolve(); }));
  // Keep draining both pipes for the registry's whole life, or it blocks on a full pipe.
  child.stdout!.on('data', (chunk: Buffer) => log.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk));
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    // 'close' (not 'exit'): by then the last log lines, which say why, have been read.
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`exited with ${code ?? signal}`));
    const done = () => {
      clearTimeout(timer);
      child.off('close', onExit);
      log.onLine = undefined;
    };
    function fail(error: Error) {
      done();
      child.kill('SIGKILL');
      reject(new Error(`docker-registry (${options.mode}) did not start: ${error.message}\n${log.text().slice(-4000)}`));
    }
    log.onLine = (line) => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (match) {
        done();
        resolve(Number(match[1]));
      }
    };
    child.once('error', (error) => {
      live.delete(child);
      fail(error);
    });
    child.once('close', onExit);
  });

  const scheme = options.tls ? 'https' : 'http';
  const startMs = performance.now() - started;
  return {
    mode: options.mode,
    url: `${scheme}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    storageDir,
    startMs,
    output: () => log.text(),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exitPromise;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** distribution 2.8 panics at start when the proxy upstream does not answer. */
async function assertUpstreamAnswers(url: string | undefined): Promise<void> {
  if (!url) throw new Error('mirror mode needs options.upstream.url');
  try {
    await rawRequest(`${url}/v2/`, { timeoutMs: 5000 });
  } catch (error) {
    throw new Error(`mirror upstream ${url} does not answer: ${(error as Error).message}`);
  }
}

let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killAll = () => { for (const child of live) child.kill('SIGTERM'); };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      killAll();
      // If nobody else handles the signal, exit as the default action would (130/143),
      // but through process.exit so that other 'exit' hooks (temp dir removal) run.
      if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
    };
    process.on(signal, handler);
  }
}

/** The last `limit` bytes of a process's output, with a line callback while one is set. */
class LogTail {
  onLine: ((line: string) => void) | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private partial = '';

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit) this.size -= this.chunks.shift()!.length;
    if (!this.onLine) return;
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine?.(line);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8').slice(-this.limit);
  }
}
