// A runnable copy of the package (bin/ + dist/ + package.json, node_modules linked) built by
// transpiling src/ with TypeScript's transpileModule: the real bin files run against the current
// sources without `npm run build` touching the shared dist/ (and without type-checking them).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TranspiledPackage {
  root: string;
  /** Directory holding executable copies of the package's bin files (put it on PATH). */
  binDir: string;
  remove(): Promise<void>;
}

/**
 * Transpiles every file of src/ into `<outDir>/dist/` (ES modules, no type-checking) so child
 * processes can import the current sources; Node 20 cannot run .ts itself.
 */
export async function transpileSources(outDir: string): Promise<string> {
  const dist = path.join(outDir, 'dist');
  const entries = await fs.readdir(path.join(REPO_ROOT, 'src'), { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(dist, path.relative(path.join(REPO_ROOT, 'src'), source)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(await fs.readFile(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: source,
    });
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, outputText);
  }
  await fs.writeFile(path.join(outDir, 'package.json'), await fs.readFile(path.join(REPO_ROOT, 'package.json')));
  return dist;
}

export async function transpilePackage(): Promise<TranspiledPackage> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-dist-'));
  await transpileSources(root);
  const binDir = path.join(root, 'bin');
  await fs.mkdir(binDir);
  for (const name of await fs.readdir(path.join(REPO_ROOT, 'bin'))) {
    await fs.copyFile(path.join(REPO_ROOT, 'bin', name), path.join(binDir, name));
    await fs.chmod(path.join(binDir, name), 0o755);
    // docker looks helpers up without the .js suffix.
    if (name.endsWith('.js')) await fs.symlink(name, path.join(binDir, name.slice(0, -3)));
  }
  await fs.symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, binDir, remove: () => fs.rm(root, { recursive: true, force: true }) };
}
