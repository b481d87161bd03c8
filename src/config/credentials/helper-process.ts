// Client side of the docker-credential-helpers protocol: `docker-credential-<name> <action>`,
// request on stdin, answer on stdout, failures as text on stdout with a non-zero exit.
// Error texts follow docker's client so users can search for them.
import { spawn } from 'node:child_process';
import { isRegctlError, RegctlError } from '../../errors.js';

export const HELPER_PREFIX = 'docker-credential-';
/** Identity (refresh) tokens are stored with this user name. */
export const TOKEN_USERNAME = '<token>';
const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';
/**
 * The helper's own "invalid request" answers. docker-credential-helpers' client (client.go, since
 * 0.7) puts them in place of the exit status but still wraps them:
 * "error storing credentials - err: no credentials username, out: `no credentials username`".
 */
const INVALID_REQUEST_MESSAGES = ['no credentials server URL', 'no credentials username'];
const MAX_STDOUT = 1 << 20;
const MAX_STDERR = 64 << 10;

export type HelperAction = 'get' | 'store' | 'erase' | 'list';
const VERBS: Record<HelperAction, string> = { get: 'getting', store: 'storing', erase: 'erasing', list: 'listing' };

export interface HelperOptions {
  /** Environment of the helper process (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Kill the helper after this long (default 30 s: a helper waiting for a pinentry never returns). */
  timeoutMs?: number;
  /** The helper's stderr (docker shows it to the user; the library does not print). */
  onStderr?: (text: string) => void;
}

export interface HelperSecret {
  username: string;
  secret: string;
}

export class CredentialHelperError extends RegctlError {
  readonly helper: string;
  readonly action: HelperAction;
  /** True when the program could not be started at all. */
  readonly missing: boolean;

  constructor(helper: string, action: HelperAction, message: string, missing = false) {
    super('REGCTL_CRED_HELPER', message);
    this.name = 'CredentialHelperError';
    this.helper = helper;
    this.action = action;
    this.missing = missing;
  }
}

/** True when the helper program does not exist (matched by shape, like every regctl error). */
export function isMissingHelper(err: unknown): boolean {
  return isRegctlError(err) && err.code === 'REGCTL_CRED_HELPER' && (err as Partial<CredentialHelperError>).missing === true;
}

interface RunResult {
  ok: boolean;
  out: string;
  exit: string;
}

export class CredentialHelperClient {
  /** The program name, e.g. 'docker-credential-pass'. */
  readonly program: string;

  constructor(
    name: string,
    private readonly options: HelperOptions = {},
  ) {
    this.program = `${HELPER_PREFIX}${name}`;
  }

  /** undefined for both styles of "not found": the keychain message, and pass 0.6's empty answer. */
  async get(serverURL: string): Promise<HelperSecret | undefined> {
    const result = await this.run('get', serverURL, []);
    if (result.out.trim() === NOT_FOUND_MESSAGE) return undefined;
    if (!result.ok) throw this.failure('get', result, []);
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.out);
    } catch {
      // The output may hold the secret: never quote it.
      throw new CredentialHelperError(this.program, 'get', `error getting credentials - err: invalid JSON answer from ${this.program} get`);
    }
    const { Username, Secret } = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
    const username = typeof Username === 'string' ? Username : '';
    const secret = typeof Secret === 'string' ? Secret : '';
    return username === '' && secret === '' ? undefined : { username, secret };
  }

  async store(serverURL: string, username: string, secret: string): Promise<void> {
    const payload = `${JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret })}\n`;
    const result = await this.run('store', payload, [secret]);
    if (!result.ok) throw this.failure('store', result, [secret]);
  }

  async erase(serverURL: string): Promise<void> {
    const result = await this.run('erase', serverURL, []);
    if (!result.ok) throw this.failure('erase', result, []);
  }

  /** Server URL -> user name ('<token>' for identity tokens). */
  async list(): Promise<Record<string, string>> {
    const result = await this.run('list', 'unused', []);
    if (!result.ok) throw this.failure('list', result, []);
    try {
      const parsed: unknown = JSON.parse(result.out);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, string>;
    } catch {
      // fall through
    }
    throw new CredentialHelperError(this.program, 'list', `error listing credentials - err: invalid JSON answer from ${this.program} list`);
  }

  private failure(action: HelperAction, result: RunResult, secrets: string[]): CredentialHelperError {
    const out = scrub(result.out.trim(), secrets);
    const err = INVALID_REQUEST_MESSAGES.includes(out) ? out : result.exit;
    return new CredentialHelperError(this.program, action, `error ${VERBS[action]} credentials - err: ${err}, out: \`${out}\``);
  }

  private run(action: HelperAction, input: string, secrets: string[]): Promise<RunResult> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const child = spawn(this.program, [action], {
        env: this.options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const stdout = new Collector(MAX_STDOUT);
      const stderr = new Collector(MAX_STDERR);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
      // A helper that exits without reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // Go's exec.LookPath also skips files that are not executable, hence the same text for EACCES.
        const missing = err.code === 'ENOENT' || err.code === 'EACCES';
        const reason = missing ? 'executable file not found in $PATH' : err.code ?? err.message;
        reject(new CredentialHelperError(this.program, action, `exec: "${this.program}": ${reason}`, missing));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const err = stderr.text();
        if (err.trim() !== '') this.options.onStderr?.(scrub(err, secrets));
        let exit = code !== null ? `exit status ${code}` : `signal: ${signal ?? 'unknown'}`;
        if (timedOut) exit = `${this.program} ${action} timed out after ${timeoutMs} ms`;
        resolve({ ok: code === 0 && !timedOut, out: stdout.text(), exit });
      });
      child.stdin.end(input);
    });
  }
}

/** Keeps at most `limit` bytes: a runaway helper cannot exhaust memory. */
class Collector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.size >= this.limit) return;
    this.chunks.push(chunk.subarray(0, this.limit - this.size));
    this.size += chunk.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Removes known secrets and any JSON `Secret` value from helper output before it reaches an error. */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text.replace(/("Secret"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1"<redacted>"');
  for (const secret of secrets) {
    if (secret !== '') clean = clean.split(secret).join('<redacted>');
  }
  return clean;
}
