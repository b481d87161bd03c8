#!/usr/bin/env node
// Thin shim: the CLI lives in dist/cli/main.js (built by `npm run build`).
import v8 from 'node:v8';
import { main } from '../dist/cli/main.js';

// Liftoff only: V8 never re-compiles undici's WebAssembly HTTP parser with TurboFan. Measured by
// `npm run bench` (bench/make-variants.mjs plain): a 2 MiB pull takes 0.87x the wall time,
// 0.8x the CPU and 35 MiB less RSS; a 1 GiB pull is no slower. Set after the CLI's modules are
// loaded: a changed V8 flag makes Node's built-in code cache miss for every module compiled
// afterwards (+14 ms on --version when set first). The commands load undici and compile its
// WebAssembly later, so they still run under the flag.
v8.setFlagsFromString('--liftoff-only');

// A reader that goes away (`regctl images | head -1`) ends the run like SIGPIPE ends docker:
// quietly, with 128+13, instead of an unhandled EPIPE stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(141);
  throw err;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
