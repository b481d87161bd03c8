#!/usr/bin/env node
// docker-credential-regctl: the docker credential-helper protocol over the OS keyring.
// Use it with "credsStore": "regctl" in ~/.docker/config.json (docker and regctl alike).
// The code lives in dist/cli/credential-helper-main.js (built by `npm run build`).
import { credentialHelperMain } from '../dist/cli/credential-helper-main.js';

credentialHelperMain(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
