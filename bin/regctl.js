#!/usr/bin/env node
// Thin shim: the CLI lives in dist/bundle/regctl.js, the bundle `npm run build` makes of
// dist/cli/main.js (see src/bundle/regctl.ts). `regctl --version` measured 1.24x `node -e 0`
// bundled, 1.68x before (medians of 40 paired runs; with the CLI's lazy imports and lazy
// command registration; commander alone writing its version is 1.16x).
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
