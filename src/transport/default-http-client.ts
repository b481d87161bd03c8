// The HTTP stack a registry client gets when the caller brings none: node:http, or undici
// when REGCTL_HTTP_STACK=undici (kept so that the benchmark can compare both in one run).
import type { HttpClient } from './http.js';
import { NodeHttpClient } from './node-http-client.js';
import { UndiciHttpClient } from './undici-http-client.js';

export function createHttpClient(opts: { env?: NodeJS.ProcessEnv } = {}): HttpClient {
  const env = opts.env ?? process.env;
  return env.REGCTL_HTTP_STACK === 'undici' ? new UndiciHttpClient({ env }) : new NodeHttpClient({ env });
}
