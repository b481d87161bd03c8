// Helpers for the layout store tests: temp dirs, tiny images written through the store, a
// transpiled copy of src for child processes (Node 20 cannot run .ts), and tmpfs mounts for
// read-only / disk-full cases (root only; tests skip without them).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Descriptor } from '../../../../src/oci/manifest.js';
import type { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { runUnchecked } from '../../../helpers/run-process.js';
import { transpileSources } from '../../../helpers/transpiled-dist.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const created: string[] = [];

export async function makeTempDir(prefix = 'regctl-layout-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** An async source yielding `bytes` in `chunkSize` pieces. */
export async function* chunks(bytes: Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}

export interface TestImage {
  descriptor: Descriptor;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
  /** Every digest the image references, manifest included. */
  all: string[];
}

/** Writes config + layers + manifest through the store (not indexed). */
export async function writeImage(store: LayoutStore, layers: Buffer[], label = randomBytes(4).toString('hex')): Promise<TestImage> {
  const layerDescs: Descriptor[] = [];
  for (const layer of layers) {
    const digest = sha256(layer);
    await store.writeBlob(digest, chunks(layer), { size: layer.length });
    layerDescs.push({ mediaType: OCI_LAYER, digest, size: layer.length });
  }
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layerDescs.map((l) => l.digest) }, label }),
  );
  await store.writeBlobBytes(sha256(config), config);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length }, layers: layerDescs }),
  );
  const manifestDigest = sha256(manifest);
  await store.writeBlobBytes(manifestDigest, manifest);
  return {
    descriptor: { mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length },
    manifestDigest,
    configDigest: sha256(config),
    layerDigests: layerDescs.map((l) => l.digest),
    all: [manifestDigest, sha256(config), ...layerDescs.map((l) => l.digest)],
  };
}

export async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

export async function listRecursive(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name))).sort();
}

let transpiled: Promise<string> | undefined;

/**
 * Transpiles the src modules the store needs into a temp dir (once per test file) and returns
 * the file URL of the transpiled layout-store.js, for `await import(...)` in child scripts.
 */
export function transpiledStoreModule(): Promise<string> {
  transpiled ??= (async () => {
    const dist = await transpileSources(await makeTempDir('regctl-layout-js-'));
    return pathToFileURL(path.join(dist, 'store/layout/layout-store.js')).href;
  })();
  return transpiled;
}

/** Runs an ES module script body in a child `node` (stdout/stderr collected). */
export function runScript(body: string, timeoutMs = 60_000) {
  return runUnchecked(process.execPath, ['--input-type=module', '-e', body], { timeoutMs });
}

/** Starts a child script and resolves once it prints `marker` on stdout; the caller kills it. */
export async function startScript(body: string, marker: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', body], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code} before "${marker}": ${stderr}`)));
  });
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Mounts a tmpfs at a new temp dir (root only); undefined when not possible. */
export async function mountTmpfs(options: string): Promise<{ dir: string; remount: (opts: string) => Promise<void>; unmount: () => Promise<void> } | undefined> {
  if (process.getuid?.() !== 0 || process.platform !== 'linux') return undefined;
  const dir = await makeTempDir('regctl-tmpfs-');
  const mounted = await runUnchecked('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).catch(() => undefined);
  if (!mounted || mounted.code !== 0) return undefined;
  return {
    dir,
    remount: async (opts) => {
      const r = await runUnchecked('mount', ['-o', `remount,${opts}`, dir]);
      if (r.code !== 0) throw new Error(r.stderr);
    },
    unmount: async () => {
      await runUnchecked('umount', [dir]);
    },
  };
}
