// Content digests (`algorithm:hex`), validated the way docker's go-digest does, so a digest we
// accept is one docker accepts and vice versa. Only sha256/sha384/sha512 are supported: those
// are the algorithms docker registers and the OCI spec names.

import { createHash, type Hash } from 'node:crypto';
import { InvalidReferenceError, RegctlError } from '../errors.js';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Hex characters per algorithm; a digest with any other length is invalid. */
export const DIGEST_HEX_LENGTHS: Readonly<Record<DigestAlgorithm, number>> = Object.freeze({
  sha256: 64,
  sha384: 96,
  sha512: 128,
});

export interface ParsedDigest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
}

// go-digest's general shape: lowercase algorithm components and a base64url-ish encoding.
// Anything matching this with an unknown algorithm is "unsupported" rather than "malformed".
const GENERAL_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const LOWER_HEX = /^[a-f0-9]+$/;

// go-digest's error texts, which docker prints unchanged.
const INVALID_FORMAT = 'invalid checksum digest format';
const INVALID_LENGTH = 'invalid checksum digest length';
const UNSUPPORTED = 'unsupported digest algorithm';

function isAlgorithm(s: string): s is DigestAlgorithm {
  return Object.hasOwn(DIGEST_HEX_LENGTHS, s);
}

/** The go-digest error text for `s`, or undefined when `s` is a valid digest. */
function digestProblem(s: string): string | undefined {
  const colon = s.indexOf(':');
  if (colon <= 0 || colon === s.length - 1) return INVALID_FORMAT;
  const algorithm = s.slice(0, colon);
  const hex = s.slice(colon + 1);
  if (!isAlgorithm(algorithm)) return GENERAL_DIGEST.test(s) ? UNSUPPORTED : INVALID_FORMAT;
  if (hex.length !== DIGEST_HEX_LENGTHS[algorithm]) return INVALID_LENGTH;
  // Uppercase hex is refused: the digest string is compared byte for byte everywhere.
  if (!LOWER_HEX.test(hex)) return INVALID_FORMAT;
  return undefined;
}

/**
 * Split and validate a digest. Throws InvalidReferenceError with go-digest's message
 * (`invalid checksum digest format|length`, `unsupported digest algorithm`).
 */
export function parseDigest(s: string): ParsedDigest {
  const problem = digestProblem(s);
  if (problem !== undefined) throw new InvalidReferenceError(problem);
  const colon = s.indexOf(':');
  return Object.freeze({ algorithm: s.slice(0, colon) as DigestAlgorithm, hex: s.slice(colon + 1) });
}

export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && digestProblem(s) === undefined;
}

/**
 * Docker's short image/layer ID: the first 12 hex characters, without the algorithm
 * (`sha256:9ad63333ebc9...` -> `9ad63333ebc9`). Like docker's TruncateID it does not validate.
 */
export function shortId(digest: string): string {
  const colon = digest.indexOf(':');
  return (colon >= 0 ? digest.slice(colon + 1) : digest).slice(0, 12);
}

export interface Digester {
  update(chunk: Uint8Array | string): Digester;
  /** The final `algorithm:hex`; may be called more than once, but no update() after it. */
  digest(): string;
}

export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Digester {
  if (!isAlgorithm(algorithm)) {
    throw new RegctlError('REGCTL_UNSUPPORTED', `${UNSUPPORTED}: ${String(algorithm)}`);
  }
  const hash: Hash = createHash(algorithm);
  let result: string | undefined;
  const digester: Digester = {
    update(chunk) {
      if (result !== undefined) {
        throw new RegctlError('REGCTL_INTERNAL', 'digester updated after digest() was taken');
      }
      hash.update(chunk);
      return digester;
    },
    digest() {
      result ??= `${algorithm}:${hash.digest('hex')}`;
      return result;
    },
  };
  return digester;
}

/** Digest of a complete byte buffer (sha256 unless asked otherwise). */
export function digestOf(bytes: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return createDigester(algorithm).update(bytes).digest();
}
