// The one place that turns any error into what the user sees: a one-line message (docker's
// wording where docker has one), an optional hint line, and the exit code (README "Exit codes").
import { STATUS_CODES } from 'node:http';
import { isRegctlError, type RegctlErrorCode } from '../errors.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  unavailable: 5,
  localIo: 6,
  interrupted: 130,
} as const;

const EXIT_BY_CODE: Record<RegctlErrorCode, number> = {
  REGCTL_INVALID_REFERENCE: EXIT.usage,
  REGCTL_USAGE: EXIT.usage,
  REGCTL_UNAUTHORIZED: EXIT.auth,
  REGCTL_DENIED: EXIT.auth,
  REGCTL_CRED_HELPER: EXIT.auth,
  REGCTL_NOT_FOUND: EXIT.notFound,
  REGCTL_RATE_LIMITED: EXIT.unavailable,
  REGCTL_NETWORK: EXIT.unavailable,
  REGCTL_TLS: EXIT.unavailable,
  REGCTL_TIMEOUT: EXIT.unavailable,
  REGCTL_REGISTRY: EXIT.failure,
  REGCTL_DIGEST_MISMATCH: EXIT.failure,
  REGCTL_TOO_LARGE: EXIT.failure,
  REGCTL_UNSUPPORTED: EXIT.failure,
  REGCTL_INVALID_MANIFEST: EXIT.failure,
  REGCTL_INTERNAL: EXIT.failure,
  REGCTL_CONFIG: EXIT.localIo,
  REGCTL_LAYOUT: EXIT.localIo,
  REGCTL_IO: EXIT.localIo,
  REGCTL_ABORTED: EXIT.interrupted,
};

/** What the command was doing, so the message can say it the way docker does. */
export interface ErrorContext {
  action?: 'manifest-inspect' | 'tags' | 'pull' | 'push' | 'login' | 'other';
  /** The reference as the user would recognise it (full form for manifest inspect, familiar for pull). */
  ref?: string;
  /** The repository's familiar name, for "pull access denied for NAME". */
  repository?: string;
  /** Registry host, for login hints. */
  registry?: string;
}

export interface DescribedError {
  message: string;
  hint?: string;
  exitCode: number;
}

interface ErrorShape {
  code: RegctlErrorCode;
  message: string;
  hint?: string;
  status?: number;
  /** Request URL of a registry error (already redacted). */
  url?: string;
  errors?: { code: string; message: string }[];
  retryAfterMs?: number;
  rateLimit?: { limit?: number | string; remaining?: number | string; reset?: number | string };
}

function loginHint(ctx: ErrorContext): string {
  const host = ctx.registry && ctx.registry !== 'docker.io' ? ` ${ctx.registry}` : '';
  return `run 'regctl login${host}' if the repository is private`;
}

function rateLimitHint(e: ErrorShape): string {
  const after = e.retryAfterMs !== undefined ? `retry after ${Math.ceil(e.retryAfterMs / 1000)}s` : 'retry later';
  const quota = e.rateLimit?.limit !== undefined ? ` (limit ${e.rateLimit.limit}, remaining ${e.rateLimit.remaining ?? 0})` : '';
  return `${after}${quota}, or log in to raise the limit: regctl login`;
}

/**
 * Refused credentials at login. docker's text when the registry itself said no (Basic auth):
 * "login attempt to URL failed with status: 401 Unauthorized"; a token server's own message otherwise.
 */
function describeLoginFailure(e: ErrorShape, ctx: ErrorContext): { message: string; hint: string } {
  const message =
    e.status !== undefined && e.url ? `login attempt to ${e.url} failed with status: ${`${e.status} ${STATUS_CODES[e.status] ?? ''}`.trim()}` : e.message;
  const registry = ctx.registry ?? 'docker.io';
  const secret =
    registry === 'ghcr.io' ? 'a personal access token (GitHub passwords are not accepted)' : registry === 'docker.io' ? 'password or personal access token' : 'password';
  return { message, hint: `check the user name and ${secret} for ${registry}; nothing was saved` };
}

/** Registry errors in the context of an action, following docker's texts. */
function describeRegistry(e: ErrorShape, ctx: ErrorContext): { message: string; hint?: string } {
  const action = ctx.action ?? 'other';
  if (action === 'login' && (e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED')) return describeLoginFailure(e, ctx);
  if (e.code === 'REGCTL_NOT_FOUND' && ctx.ref) {
    if (action === 'manifest-inspect') return { message: `no such manifest: ${ctx.ref}` };
    if (action === 'pull') {
      const unknownName = e.errors?.some((x) => x.code === 'NAME_UNKNOWN');
      if (unknownName && ctx.repository) return { message: `repository ${ctx.repository} not found: ${e.message}` };
      return { message: `manifest for ${ctx.ref} not found: ${e.message}` };
    }
    if (action === 'tags' && ctx.repository) return { message: `repository ${ctx.repository} not found: ${e.message}` };
  }
  if ((e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED') && ctx.repository && (action === 'pull' || action === 'manifest-inspect' || action === 'tags')) {
    return {
      message: `pull access denied for ${ctx.repository}, repository does not exist or may require 'regctl login': ${e.message}`,
      hint: loginHint(ctx),
    };
  }
  if (e.code === 'REGCTL_RATE_LIMITED') return { message: e.message, hint: rateLimitHint(e) };
  return e.hint ? { message: e.message, hint: e.hint } : { message: e.message };
}

export function describeError(err: unknown, ctx: ErrorContext = {}): DescribedError {
  if (!isRegctlError(err)) {
    const msg = err instanceof Error ? err.message : String(err);
    return {
      message: `internal error: ${msg.split('\n')[0]}`,
      hint: 'this is a bug in regctl; please report it with the output of --debug',
      exitCode: EXIT.failure,
    };
  }
  const e = err as unknown as ErrorShape;
  const { message, hint } = describeRegistry(e, ctx);
  const exitCode = EXIT_BY_CODE[e.code] ?? EXIT.failure;
  return hint ? { message, hint, exitCode } : { message, exitCode };
}

export function exitCodeFor(code: RegctlErrorCode): number {
  return EXIT_BY_CODE[code] ?? EXIT.failure;
}
