// Shared helpers for the config tests: temp dirs, the fake credential helper, and a transpiled
// copy of src/config for child processes (Node 20 cannot run .ts files itself).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpileSources } from '../../helpers/transpiled-dist.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURE_BIN = path.join(REPO_ROOT, 'fixtures/bin');

const created: string[] = [];

export async function makeTempDir(prefix = 'regctl-config-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Call from afterEach/afterAll: removes every directory made by makeTempDir. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** Environment that runs fixtures/bin/docker-credential-test with its store in `dir`. */
export function fakeHelperEnv(dir: string, mode = 'normal', extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${FIXTURE_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: dir,
    DOCKER_CREDENTIAL_TEST_STORE: path.join(dir, 'helper-store.json'),
    DOCKER_CREDENTIAL_TEST_LOG: path.join(dir, 'helper.log'),
    DOCKER_CREDENTIAL_TEST_MODE: mode,
    ...extra,
  };
}

/** The calls the fake helper received, as "action url" lines. */
export async function helperCalls(dir: string): Promise<string[]> {
  try {
    return (await fs.readFile(path.join(dir, 'helper.log'), 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export async function readHelperStore(dir: string): Promise<Record<string, { Username: string; Secret: string }>> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'helper-store.json'), 'utf8'));
  } catch {
    return {};
  }
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(value, null, 2));
}

export function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/** Transpiles src/ into `out` and returns the path of the transpiled src/config/index.js, for child processes. */
export async function transpileConfigModules(out: string): Promise<string> {
  return path.join(await transpileSources(out), 'config/index.js');
}
