// Client side of the token server's request log. The server runs in the vitest
// main process; tests run in workers and read the log over HTTP. Test files run
// in parallel, so filter by something unique to the test (a repository name in
// `scopes`) or read only what came after a mark, rather than clearing the log.

import { rawRequest } from './raw-http.js';

export interface TokenLogEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  /** Every query parameter, repeated ones (scope) in order. */
  query: Record<string, string[]>;
  /** POST form fields; password and refresh_token values are replaced by "<redacted>". */
  form?: Record<string, string>;
  authorization: boolean;
  /** Absent for anonymous requests. */
  account?: string;
  scopes: string[];
  status: number;
  userAgent?: string;
}

/** Reads the token server's request log from any process (entries after `since`). */
export async function readTokenLog(logUrl: string, since = 0): Promise<TokenLogEntry[]> {
  // node:http, not fetch: a test may have replaced fetch's global dispatcher with a mock.
  return (await rawRequest(`${logUrl}?since=${since}`)).json<TokenLogEntry[]>();
}

/** Highest sequence number so far: remember it, then read only what came after. */
export async function tokenLogMark(logUrl: string): Promise<number> {
  const entries = await readTokenLog(logUrl);
  return entries.at(-1)?.seq ?? 0;
}

/** Clears the log for everyone (other test files run in parallel: prefer marks). */
export async function clearTokenLog(logUrl: string): Promise<void> {
  await rawRequest(logUrl, { method: 'DELETE' });
}
