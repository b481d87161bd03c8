// The one place that turns any error into what the user sees: a one-line message (docker's
// wording where docker has one), an optional hint line, and the exit code (README "Exit codes").
import { isRegctlError, type RegctlErrorCode } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { isAnonymousSource, quotaSummary, resetAt } from './rate-limit-text.js';

export { EXIT };

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
  REGCTL_INVALID_CONFIG: EXIT.failure,
  // `store check` found problems: fsck's "errors found" (1), not a local I/O failure (6).
  REGCTL_STORE_CORRUPT: EXIT.failure,
  REGCTL_INTERNAL: EXIT.failure,
  REGCTL_CONFIG: EXIT.localIo,
  REGCTL_LAYOUT: EXIT.localIo,
  REGCTL_IO: EXIT.localIo,
  REGCTL_ABORTED: EXIT.interrupted,
};

/** What the command was doing, so the message can say it the way docker does. */
export interface ErrorContext {
  action?: 'manifest-inspect' | 'tags' | 'pull' | 'push' | 'delete' | 'login' | 'search' | 'catalog' | 'digest' | 'ratelimit' | 'other';
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
  rateLimit?: { limit?: number; remaining?: number; reset?: number; windowSeconds?: number; source?: string };
  /** `error=` of the registry's Bearer challenge, e.g. insufficient_scope. */
  challengeError?: string;
}

function loginHint(ctx: ErrorContext): string {
  const host = ctx.registry && ctx.registry !== 'docker.io' ? ` ${ctx.registry}` : '';
  return `run 'regctl login${host}' if the repository is private`;
}

/**
 * A 429: what the quota headers said (limit, window, remaining, whom it is counted against),
 * when it resets (`ratelimit-reset`, else Retry-After), and whether logging in would help
 * (Hub counts anonymous pulls per IP address, so a source that is an account would not).
 */
function rateLimitHint(e: ErrorShape, ctx: ErrorContext, now: number = Date.now()): string {
  const rl = e.rateLimit ?? {};
  const quota = quotaSummary(rl);
  const resetSeconds = rl.reset ?? (e.retryAfterMs !== undefined ? Math.ceil(e.retryAfterMs / 1000) : undefined);
  const when = resetSeconds !== undefined ? `retry after ${resetSeconds}s (at ${resetAt(resetSeconds, now)})` : 'retry later';
  const host = ctx.registry && ctx.registry !== 'docker.io' ? ` ${ctx.registry}` : '';
  const account = rl.source !== undefined && !isAnonymousSource(rl.source);
  const next = account ? `${when}; the quota belongs to the account you are logged in with` : `${when}, or log in to raise the limit: regctl login${host}`;
  return quota ? `${quota}; ${next}` : next;
}

/** search and catalog: the catalog needs its own permission; a search endpoint may be unreachable. */
function describeDiscovery(e: ErrorShape, ctx: ErrorContext): { message: string; hint?: string } | undefined {
  const registry = ctx.registry ?? 'docker.io';
  if (e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED') {
    return {
      message: `${registry}: not allowed to list the repository catalog: ${e.message}`,
      hint: `run 'regctl login ${registry}' with an account that may list the catalog (token scope registry:catalog:*)`,
    };
  }
  if (e.code === 'REGCTL_UNSUPPORTED' && ctx.action === 'search') {
    return { message: e.message, hint: `list the tags of a repository you know with: regctl tags ${registry}/REPOSITORY` };
  }
  if (e.code === 'REGCTL_NETWORK' || e.code === 'REGCTL_TIMEOUT' || e.code === 'REGCTL_TLS') {
    const what = ctx.action === 'search' ? 'search endpoint' : 'registry';
    const message = `${what} unreachable: ${e.message}`;
    return e.hint ? { message, hint: e.hint } : { message, hint: 'check the host name, the network and any proxy settings (HTTPS_PROXY, NO_PROXY)' };
  }
  if (e.code === 'REGCTL_REGISTRY') {
    return { message: ctx.action === 'search' ? `search on ${registry} failed: ${e.message}` : `listing the catalog of ${registry} failed: ${e.message}` };
  }
  return undefined;
}

/**
 * The reason phrase of an HTTP status, from node:http only when a login failure is worded: a
 * static import would load the HTTP stack into local commands whose actions word their errors
 * (rmi, inspect).
 */
function statusText(status: number): string {
  return process.getBuiltinModule('node:http').STATUS_CODES[status] ?? '';
}

/**
 * Refused credentials at login. docker's text when the registry itself said no (Basic auth):
 * "login attempt to URL failed with status: 401 Unauthorized"; a token server's own message otherwise.
 */
function describeLoginFailure(e: ErrorShape, ctx: ErrorContext): { message: string; hint: string } {
  const message =
    e.status !== undefined && e.url ? `login attempt to ${e.url} failed with status: ${`${e.status} ${statusText(e.status)}`.trim()}` : e.message;
  const registry = ctx.registry ?? 'docker.io';
  const secret =
    registry === 'ghcr.io' ? 'a personal access token (GitHub passwords are not accepted)' : registry === 'docker.io' ? 'password or personal access token' : 'password';
  return { message, hint: `check the user name and ${secret} for ${registry}; nothing was saved` };
}

/**
 * A refused push. docker's text when the token did not cover push (the registry's own text
 * otherwise, e.g. "unauthorized: authentication required" without credentials), and the usual
 * causes: not logged in, a namespace that is not yours (Hub's bare NAME is library/NAME), or
 * credentials/a token without push access.
 */
function describePushDenied(e: ErrorShape, ctx: ErrorContext): { message: string; hint: string } {
  const denied = e.challengeError === 'insufficient_scope' || e.errors?.some((x) => x.code.toUpperCase() === 'DENIED');
  const message = denied ? 'denied: requested access to the resource is denied' : e.message;
  const registry = ctx.registry ?? 'docker.io';
  const name = ctx.repository ?? 'NAME';
  if (registry === 'docker.io' && !name.includes('/')) {
    return {
      message,
      hint: `'${name}' means docker.io/library/${name}, which only official images may use: tag it as USER/${name} (regctl tag ${name} USER/${name}) and push that, logged in with 'regctl login'`,
    };
  }
  const host = registry === 'docker.io' ? '' : ` ${registry}`;
  return {
    message,
    hint: `not logged in? run 'regctl login${host}'; is the namespace of ${name} yours (on Docker Hub, a bare NAME means library/NAME: tag it USER/NAME)? does your account or token have push access to it?`,
  };
}

/** Registry errors in the context of an action, following docker's texts. */
function describeRegistry(e: ErrorShape, ctx: ErrorContext): { message: string; hint?: string } {
  const action = ctx.action ?? 'other';
  if (action === 'login' && (e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED')) return describeLoginFailure(e, ctx);
  if (e.code === 'REGCTL_RATE_LIMITED') return { message: e.message, hint: rateLimitHint(e, ctx) };
  if (action === 'search' || action === 'catalog') {
    const described = describeDiscovery(e, ctx);
    if (described) return described;
  }
  // Only a registry's 404 is "manifest for REF not found": a platform missing from an index
  // (no status) is docker's "no matching manifest for linux/s390x in the manifest list entries" alone.
  if (e.code === 'REGCTL_NOT_FOUND' && ctx.ref && e.status !== undefined) {
    if (action === 'manifest-inspect' || action === 'digest' || action === 'ratelimit' || action === 'delete') return { message: `no such manifest: ${ctx.ref}` };
    if (action === 'pull') {
      const unknownName = e.errors?.some((x) => x.code === 'NAME_UNKNOWN');
      if (unknownName && ctx.repository) return { message: `repository ${ctx.repository} not found: ${e.message}` };
      return { message: `manifest for ${ctx.ref} not found: ${e.message}` };
    }
    if (action === 'tags' && ctx.repository) return { message: `repository ${ctx.repository} not found: ${e.message}` };
  }
  if ((e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED') && action === 'push') return describePushDenied(e, ctx);
  if ((e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED') && action === 'delete' && ctx.repository) {
    return {
      message: `delete access denied for ${ctx.repository}: ${e.message}`,
      hint: `log in (regctl login ${ctx.registry ?? ''}) as an account allowed to delete there; token servers grant it as the "delete" action`.replace(' )', ')'),
    };
  }
  const readsRepository = action === 'pull' || action === 'manifest-inspect' || action === 'tags' || action === 'digest' || action === 'ratelimit';
  if ((e.code === 'REGCTL_UNAUTHORIZED' || e.code === 'REGCTL_DENIED') && ctx.repository && readsRepository) {
    return {
      message: `pull access denied for ${ctx.repository}, repository does not exist or may require 'regctl login': ${e.message}`,
      hint: loginHint(ctx),
    };
  }
  return e.hint ? { message: e.message, hint: e.hint } : { message: e.message };
}

/**
 * A 401 whose body names no registry error (every HEAD, a Basic-auth registry's plain page) is
 * worded as docker's registry client words it: distribution's HandleErrorResponse turns such a
 * 401 into errcode UNAUTHORIZED, printed "unauthorized: authentication required".
 */
function withDockerUnauthorized(e: ErrorShape): ErrorShape {
  if (e.code !== 'REGCTL_UNAUTHORIZED' || e.status !== 401 || e.challengeError !== undefined) return e;
  if (e.errors?.some((x) => x.code.toUpperCase() !== 'UNKNOWN')) return e;
  return { ...e, message: 'unauthorized: authentication required' };
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
  const e = withDockerUnauthorized(err as unknown as ErrorShape);
  const { message, hint } = describeRegistry(e, ctx);
  const exitCode = EXIT_BY_CODE[e.code] ?? EXIT.failure;
  return hint ? { message, hint, exitCode } : { message, exitCode };
}

export function exitCodeFor(code: RegctlErrorCode): number {
  return EXIT_BY_CODE[code] ?? EXIT.failure;
}
