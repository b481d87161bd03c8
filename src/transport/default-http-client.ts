// The HTTP stack a registry client gets when the caller brings none: node:http, or undici
// when REGCTL_HTTP_STACK=undici (kept so that the benchmark can compare both in one run).
import { setFlagsFromString } from 'node:v8';
import type { HttpClient } from './http.js';
import type { TimeoutOptions } from './timeouts.js';
import { NodeHttpClient } from './node-http-client.js';
import { UndiciHttpClient } from './undici-http-client.js';

let liftoffOnly = false;

export function createHttpClient(opts: { env?: NodeJS.ProcessEnv } & TimeoutOptions = {}): HttpClient {
  const env = opts.env ?? process.env;
  const timeouts: TimeoutOptions = { ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}) };
  if (env.REGCTL_HTTP_STACK !== 'undici') return new NodeHttpClient({ env, ...timeouts });
  // Chosen explicitly, undici runs the way it measured best here: with V8's baseline WebAssembly
  // compiler only, so its llhttp parser is never re-compiled by TurboFan (a 2 MiB pull took 0.87x
  // the wall time and 35 MiB less RSS; a 1 GiB pull was no slower). Set just before undici loads:
  // a changed flag makes Node's code cache miss for every built-in compiled afterwards, which is
  // why the binary no longer sets it at start-up for the node:http default (10-15 ms per command).
  if (!liftoffOnly) {
    setFlagsFromString('--liftoff-only');
    liftoffOnly = true;
  }
  return new UndiciHttpClient({ env, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
}
