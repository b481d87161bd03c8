// Type tests: test/types/api.test-d.mts is compiled by tsc against declarations emitted from
// the current sources into a scratch copy of the package, importing 'regctl-cli' by name (so the
// package.json "exports"/"types" mapping is part of what is checked). Needs no prior build.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUnchecked } from '../../helpers/run-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let pkg: string;

async function tsc(args: string[]) {
  return runUnchecked(process.execPath, [TSC, ...args], { cwd: pkg, timeoutMs: 120_000 });
}

async function writeTypeTest(name: string, source: string): Promise<void> {
  await fs.writeFile(path.join(pkg, name), source);
  await fs.writeFile(
    path.join(pkg, 'tsconfig.json'),
    JSON.stringify({
      // The package's own compiler settings (strict, NodeNext), against the emitted .d.ts only.
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: true, rootDir: '.', skipLibCheck: false, types: ['node'] },
      include: [],
      files: [name],
    }),
  );
}

beforeAll(async () => {
  pkg = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-types-'));
  await fs.copyFile(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const emitted = await tsc(['-p', path.join(ROOT, 'tsconfig.json'), '--declaration', '--emitDeclarationOnly', '--sourceMap', 'false', '--outDir', path.join(pkg, 'dist')]);
  expect(emitted.stdout + emitted.stderr, 'emitting declarations').toBe('');
}, 120_000);

afterAll(() => fs.rm(pkg, { recursive: true, force: true }));

describe('public API types', () => {
  it('test/types/api.test-d.mts compiles against the shipped .d.ts', async () => {
    await writeTypeTest('api.test-d.mts', await fs.readFile(path.join(ROOT, 'test/types/api.test-d.mts'), 'utf8'));
    const r = await tsc(['-p', 'tsconfig.json']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('would catch a wrong expectation (the check is not vacuous)', async () => {
    await writeTypeTest(
      'wrong.test-d.mts',
      `import { expectTypeOf } from 'vitest';\nimport type { PullResult } from 'regctl-cli';\nexpectTypeOf<PullResult['digest']>().toEqualTypeOf<number>();\n`,
    );
    const r = await tsc(['-p', 'tsconfig.json']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('wrong.test-d.mts');
  }, 120_000);
});
