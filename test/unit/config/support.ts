// Shared helpers for the config tests: temp dirs, the fake credential helper, and a transpiled
// copy of src/config for child processes (Node 20 cannot run .ts files itself).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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

/**
 * Transpiles src/errors.ts, src/config/** and src/reference/** into `<out>/src` as ES modules and returns the
 * path of the transpiled src/config/index.js, for child processes to import.
 */
export async function transpileConfigModules(out: string): Promise<string> {
  // src/config/credentials/keys.ts takes Docker Hub's names from src/reference/hosts.ts.
  const sources = ['src/errors.ts', ...(await listTs(path.join(REPO_ROOT, 'src/config'))), ...(await listTs(path.join(REPO_ROOT, 'src/reference')))];
  await fs.writeFile(path.join(out, 'package.json'), '{"type":"module"}');
  for (const source of sources) {
    const absolute = path.resolve(REPO_ROOT, source);
    const relative = path.relative(REPO_ROOT, absolute).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(await fs.readFile(absolute, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: absolute,
    });
    await fs.mkdir(path.dirname(path.join(out, relative)), { recursive: true });
    await fs.writeFile(path.join(out, relative), outputText);
  }
  return path.join(out, 'src/config/index.js');
}

async function listTs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath ?? e.path, e.name));
}
