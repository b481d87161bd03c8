// docker's `images REPOSITORY[:TAG]` matching (the `reference` filter): a shell pattern in Go's
// path.Match syntax (`*` and `?` stop at `/`, `[a-z]` classes, `\` escapes) tested against the
// familiar forms docker uses (busybox:latest, busybox) and, as regctl also accepts, the full
// forms (docker.io/library/busybox:latest, docker.io/library/busybox).
import { UsageError } from '../errors.js';
import type { Reference } from '../reference/parse.js';

// Not '-': outside a class it needs no escape, and under the u flag `\-` is a syntax error.
const escapeRegExp = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Go's path.Match pattern as an anchored RegExp; UsageError for a malformed pattern. */
export function pathPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) throw badPattern(pattern);
      re += escapeRegExp(pattern[++i]!);
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) throw badPattern(pattern);
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      if (body === '') throw badPattern(pattern);
      const inner = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&');
      re += negated ? `[^/${inner}]` : `[${inner}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

function classEnd(pattern: string, open: number): number {
  for (let i = open + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']' && i > open + 1 && !(i === open + 2 && pattern[open + 1] === '^')) return i;
  }
  return -1;
}

function badPattern(pattern: string): UsageError {
  return new UsageError(`invalid reference filter ${JSON.stringify(pattern)}: syntax error in pattern`);
}

/** A predicate for references matching `pattern` by familiar or full name, with or without tag/digest. */
export function referenceMatcher(pattern: string): (ref: Reference) => boolean {
  const re = pathPattern(pattern);
  return (ref) => [ref.familiar(), ref.familiarName(), ref.toString(), ref.name()].some((form) => re.test(form));
}
