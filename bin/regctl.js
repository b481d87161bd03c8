#!/usr/bin/env node
// Thin shim: the CLI lives in dist/bundle/regctl.js, the bundle `npm run build` makes of
// dist/cli/main.js (see src/bundle/regctl.ts): one file and a few lazy chunks start faster than
// hundreds of modules (the start-up figures are in the README's Benchmarks).
import { main } from '../dist/bundle/regctl.js';

// A reader that goes away (`regctl images | head -1`) ends the run like SIGPIPE ends docker:
// quietly, with 128+13, instead of an unhandled EPIPE stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(141);
  throw err;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
