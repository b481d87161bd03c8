// Runs the CLI in-process with captured output (fast: no node start-up per call).
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  signal?: AbortSignal;
}

/** Every byte any CLI run printed in this test process: scanned for secrets by the suite. */
export const allOutput: string[] = [];

export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]) as Readable & { isTTY?: boolean };
  stdin.isTTY = opts.stdinIsTTY ?? false;
  const code = await main(args, {
    io: {
      stdout: { write: (c: string | Uint8Array) => ((stdout += c.toString()), true), isTTY: opts.stdoutIsTTY ?? false },
      stderr: { write: (c: string | Uint8Array) => ((stderr += c.toString()), true), isTTY: opts.stderrIsTTY ?? false },
      stdin,
      env: { ...process.env, ...opts.env },
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  allOutput.push(stdout, stderr);
  return { code, stdout, stderr };
}
