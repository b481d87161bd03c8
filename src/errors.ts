// The one error hierarchy of the library. Callers match on `code` (stable strings),
// never on `instanceof`, so two copies of the module in one process still agree.
// Messages never contain secrets: URLs are redacted before they reach an error.

export type RegctlErrorCode =
  | 'REGCTL_INVALID_REFERENCE'
  | 'REGCTL_USAGE'
  | 'REGCTL_UNAUTHORIZED'
  | 'REGCTL_DENIED'
  | 'REGCTL_NOT_FOUND'
  | 'REGCTL_RATE_LIMITED'
  | 'REGCTL_REGISTRY'
  | 'REGCTL_NETWORK'
  | 'REGCTL_TLS'
  | 'REGCTL_TIMEOUT'
  | 'REGCTL_DIGEST_MISMATCH'
  | 'REGCTL_TOO_LARGE'
  | 'REGCTL_UNSUPPORTED'
  | 'REGCTL_INVALID_MANIFEST'
  | 'REGCTL_INVALID_CONFIG'
  | 'REGCTL_STORE_CORRUPT'
  | 'REGCTL_CONFIG'
  | 'REGCTL_CRED_HELPER'
  | 'REGCTL_LAYOUT'
  | 'REGCTL_IO'
  | 'REGCTL_ABORTED'
  | 'REGCTL_INTERNAL';

export interface RegctlErrorOptions {
  cause?: unknown;
  /** One extra line telling the user what to do next. */
  hint?: string;
}

export class RegctlError extends Error {
  readonly code: RegctlErrorCode;
  readonly hint: string | undefined;

  constructor(code: RegctlErrorCode, message: string, options: RegctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegctlError';
    this.code = code;
    this.hint = options.hint;
  }
}

export class InvalidReferenceError extends RegctlError {
  constructor(message: string, options?: RegctlErrorOptions) {
    super('REGCTL_INVALID_REFERENCE', message, options);
    this.name = 'InvalidReferenceError';
  }
}

export class UsageError extends RegctlError {
  constructor(message: string, options?: RegctlErrorOptions) {
    super('REGCTL_USAGE', message, options);
    this.name = 'UsageError';
  }
}

export class DigestMismatchError extends RegctlError {
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string, what = 'content') {
    super('REGCTL_DIGEST_MISMATCH', `digest mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

export class ConfigError extends RegctlError {
  readonly file: string | undefined;

  constructor(message: string, options: RegctlErrorOptions & { file?: string } = {}) {
    super('REGCTL_CONFIG', message, options);
    this.name = 'ConfigError';
    this.file = options.file;
  }
}

/** Why a local manifest list operation (`manifest create/annotate/push/rm`) failed; stable, unlike the wording. */
export type ManifestListErrorReason =
  | 'list-not-found'
  | 'list-empty'
  | 'list-exists'
  | 'manifest-not-found'
  | 'not-in-list'
  | 'entry-is-list'
  | 'not-a-manifest'
  | 'invalid-platform'
  | 'missing-platform'
  | 'cross-registry'
  | 'mount-failed'
  | 'digest-mismatch';

/** A manifest list failure, with docker's message text (`docker manifest ...` prints the same). */
export class ManifestListError extends RegctlError {
  readonly reason: ManifestListErrorReason;

  constructor(code: RegctlErrorCode, reason: ManifestListErrorReason, message: string, options?: RegctlErrorOptions) {
    super(code, message, options);
    this.name = 'ManifestListError';
    this.reason = reason;
  }
}

/** True for any error produced by this library (matched by shape, not class identity). */
export function isRegctlError(err: unknown): err is RegctlError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('REGCTL_')
  );
}
