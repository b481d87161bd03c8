// The real binary, its stdout closed early by the reader (`regctl tag --help | head -c 1`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = path.resolve('bin/regctl.js');

describe.skipIf(!existsSync(path.resolve('dist/cli/main.js')))('stdout closed by the reader', () => {
  it('ends quietly with 141 instead of an EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [bin, 'tag', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(141);
  });
});
