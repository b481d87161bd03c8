// Image references, normalised exactly as docker does (distribution/reference
// ParseNormalizedNamed + TagNameOnly): `busybox` -> `docker.io/library/busybox:latest`.
// Unlike docker's ParseDockerRef, `name:tag@digest` keeps both parts: the digest is what gets
// fetched (identifier()), the tag stays available for display and for naming the local copy.

import { InvalidReferenceError } from '../errors.js';
import { parseDigest } from '../oci/digest.js';
import { NAME_MAX_LENGTH, isIdentifier, isDigestShaped, isValidDomain, isValidPath, isValidTag } from './grammar.js';
import { DOCKER_HUB, DOCKER_HUB_SEARCH_HOST } from './hosts.js';

export interface Repository {
  /** Logical registry: `docker.io`, `localhost:5000`, `[::1]:5000`, `quay.io`. */
  readonly registry: string;
  /** Path inside the registry: `library/busybox`. */
  readonly repository: string;
  /** `docker.io/library/busybox` */
  name(): string;
  /** Docker's FamiliarName: `busybox`, `user/app`, `localhost:5000/x`. */
  familiarName(): string;
  toString(): string;
}

export interface Reference extends Repository {
  /** `latest` when defaulted (no tag and no digest given). */
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** True when the input had neither tag nor digest (docker prints "Using default tag"). */
  readonly tagDefaulted: boolean;
  /** What to ask the registry for: the digest if present, else the tag. */
  identifier(): string;
  /** Full form: `docker.io/library/busybox:latest`, `...@sha256:...`, `...:tag@sha256:...`. */
  toString(): string;
  /** Docker's FamiliarString: `busybox:latest`, `user/app@sha256:...`, `localhost:5000/x:1`. */
  familiar(): string;
  withTag(tag: string): Reference;
  withDigest(digest: string): Reference;
}

const DEFAULT_TAG = 'latest';
const OFFICIAL_PREFIX = 'library/';
const INVALID_FORMAT = 'invalid reference format';

class ParsedRepository implements Repository {
  constructor(
    readonly registry: string,
    readonly repository: string,
  ) {
    if (new.target === ParsedRepository) Object.freeze(this);
  }

  name(): string {
    return `${this.registry}/${this.repository}`;
  }

  familiarName(): string {
    if (this.registry !== DOCKER_HUB) return this.name();
    // Only `library/x` shortens to `x`; `library/x/y` stays as is (docker's familiarizeName).
    const rest = this.repository.startsWith(OFFICIAL_PREFIX) ? this.repository.slice(OFFICIAL_PREFIX.length) : '';
    return rest !== '' && !rest.includes('/') ? rest : this.repository;
  }

  toString(): string {
    return this.name();
  }
}

class ParsedReference extends ParsedRepository implements Reference {
  constructor(
    registry: string,
    repository: string,
    readonly tag: string | undefined,
    readonly digest: string | undefined,
    readonly tagDefaulted: boolean,
  ) {
    super(registry, repository);
    Object.freeze(this);
  }

  identifier(): string {
    // A reference always has a tag or a digest: parsing defaults the tag when both are missing.
    return this.digest ?? this.tag ?? DEFAULT_TAG;
  }

  private suffix(): string {
    return (this.tag === undefined ? '' : `:${this.tag}`) + (this.digest === undefined ? '' : `@${this.digest}`);
  }

  override toString(): string {
    return this.name() + this.suffix();
  }

  familiar(): string {
    return this.familiarName() + this.suffix();
  }

  withTag(tag: string): Reference {
    if (!isValidTag(tag)) throw new InvalidReferenceError(`invalid tag format (${tag})`);
    return new ParsedReference(this.registry, this.repository, tag, undefined, false);
  }

  withDigest(digest: string): Reference {
    parseDigest(digest);
    return new ParsedReference(this.registry, this.repository, this.tag, digest, this.tagDefaulted);
  }
}

interface Parts {
  registry: string;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * docker's splitDockerDomain: the first component is a registry only if it has a `.` or `:`,
 * is `localhost`, or has uppercase letters; `index.docker.io` means `docker.io`; a single
 * component on Docker Hub gets `library/`. Whatever follows the registry is returned as
 * `path` unchanged (tag and digest included, when the caller passes them).
 */
function splitDomain(name: string): { registry: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: DOCKER_HUB, path: OFFICIAL_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let registry = DOCKER_HUB;
  let path = name;
  if (first === DOCKER_HUB_SEARCH_HOST) {
    path = rest;
  } else if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    registry = first;
    path = rest;
  }
  if (registry === DOCKER_HUB && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  return { registry, path };
}

/**
 * Docker's lowercase rule, applied as docker applies it: to everything after the registry up
 * to the first ':'. So `Foo` reports `library/Foo`, and a digest-only `Foo@sha256:...`
 * reports `library/Foo@sha256`, exactly the text docker prints.
 */
function checkLowercase(input: string): void {
  const remainder = splitDomain(input).path;
  const checked = remainder.slice(0, remainder.includes(':') ? remainder.indexOf(':') : undefined);
  if (checked.toLowerCase() !== checked) {
    throw new InvalidReferenceError(`${INVALID_FORMAT}: repository name (${checked}) must be lowercase`);
  }
}

function splitReference(input: string): Parts {
  // 64 hex characters alone would be ambiguous with an image ID.
  if (isIdentifier(input)) {
    throw new InvalidReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  checkLowercase(input);
  // Nothing before the digest contains '@', and the tag is whatever follows a ':' placed
  // after the last '/' (a registry port's ':' always comes before the first '/').
  const at = input.indexOf('@');
  const beforeDigest = at >= 0 ? input.slice(0, at) : input;
  const digest = at >= 0 ? input.slice(at + 1) : undefined;
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > beforeDigest.lastIndexOf('/');
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
  const tag = hasTag ? beforeDigest.slice(colon + 1) : undefined;

  const { registry, path } = splitDomain(name);
  if (!isValidDomain(registry) || !isValidPath(path)) throw new InvalidReferenceError(INVALID_FORMAT);
  if (tag !== undefined && !isValidTag(tag)) throw new InvalidReferenceError(INVALID_FORMAT);
  if (digest !== undefined && !isDigestShaped(digest)) throw new InvalidReferenceError(INVALID_FORMAT);
  if (path.length > NAME_MAX_LENGTH) {
    throw new InvalidReferenceError(`repository name must not be more than ${NAME_MAX_LENGTH} characters`);
  }
  // Grammar passed: now the digest itself (supported algorithm, exact length, lowercase hex).
  if (digest !== undefined) parseDigest(digest);
  return { registry, repository: path, tag, digest };
}

/**
 * Parse an image reference the way `docker pull` does. Familiar names are normalised
 * (`busybox` -> `docker.io/library/busybox:latest`). Throws InvalidReferenceError
 * (code REGCTL_INVALID_REFERENCE) with docker's messages.
 */
export function parseReference(input: string): Reference {
  const { registry, repository, tag, digest } = splitReference(input);
  const tagDefaulted = tag === undefined && digest === undefined;
  return new ParsedReference(registry, repository, tagDefaulted ? DEFAULT_TAG : tag, digest, tagDefaulted);
}

/** Parse a repository name (`busybox`, `quay.io/org/app`); a tag or digest is an error. */
export function parseRepository(input: string): Repository {
  const { registry, repository, tag, digest } = splitReference(input);
  if (tag !== undefined || digest !== undefined) {
    throw new InvalidReferenceError(
      `invalid repository name (${input}): expected a repository without a tag or digest`,
    );
  }
  return new ParsedRepository(registry, repository);
}
