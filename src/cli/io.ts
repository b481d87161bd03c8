// The process boundary, injectable so the CLI runs in-process in tests with captured output.
import type { Readable } from 'node:stream';

export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  columns?: number;
  /** A terminal's size change (Node emits 'resize' on a TTY stdout); live progress follows it. */
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The process's own streams, each created by Node on first use (stdin on /dev/null costs 0.6 ms). */
export function processIO(): CliIO {
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}
