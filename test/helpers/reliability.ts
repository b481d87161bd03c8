// Shared pieces of the reliability suites: child regctl processes (the current sources,
// transpiled), waiting for a partial to grow so a kill lands mid-layer, and store checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LayoutStore } from '../../src/store/layout/layout-store.js';

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Child {
  process: ChildProcess;
  /** Resolves when the process has exited: code (or 128 + signal number), output. */
  exit: Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
}

/** Starts `node <bin>/regctl.js args...` of a transpiled package. */
export function startRegctl(binDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(binDir, 'regctl.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, stdout, stderr, ms: performance.now() - started })),
  );
  return { process: child, exit };
}

/** The staging partial of `digest` in a store dir. */
export function partialPath(store: string, digest: string): string {
  return path.join(store, '.regctl', 'staging', `${digest.replace(':', '-')}.partial`);
}

async function sizeOf(file: string): Promise<number> {
  return (await fs.stat(file).catch(() => undefined))?.size ?? 0;
}

/** Waits until the partial of `digest` holds at least `bytes` (a kill then lands mid-blob). */
export async function waitForPartial(store: string, digest: string, bytes: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const size = await sizeOf(partialPath(store, digest));
    if (size >= bytes) return size;
    if (Date.now() > deadline) throw new Error(`partial of ${digest} did not reach ${bytes} bytes (has ${size})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** validate() of the store (deep: every blob re-hashed). */
export async function storeProblems(dir: string): Promise<string[]> {
  return (await LayoutStore.open(dir, { create: false })).validate({ deep: true });
}

/** The image names index.json holds. */
export async function indexNames(store: string): Promise<string[]> {
  const text = await fs.readFile(path.join(store, 'index.json'), 'utf8').catch(() => '{"manifests":[]}');
  const index = JSON.parse(text) as { manifests: { annotations?: Record<string, string> }[] };
  return index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name'] ?? '');
}

/** Every blob file's content hashes to its name. */
export async function blobsHashRight(store: string): Promise<string[]> {
  const dir = path.join(store, 'blobs', 'sha256');
  const wrong: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [])) {
    if (sha256(await fs.readFile(path.join(dir, name))) !== `sha256:${name}`) wrong.push(name);
  }
  return wrong;
}
