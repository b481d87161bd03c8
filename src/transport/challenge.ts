// WWW-Authenticate parsing (RFC 7235 §4.1, RFC 9110 §11.6.1).
//
// A header holds a comma-separated list of challenges, and each challenge a comma-separated
// list of auth-params, so a comma alone does not say whether the next item is a parameter or
// a new challenge. The rule used here (as in curl and Go's net/http): after a comma, `token =`
// continues the current challenge, any other token starts a new one. fetch() joins repeated
// headers with ", ", which this grammar handles the same way.
//
// Registries and proxies send sloppy headers, so nothing here throws: what cannot be parsed
// is skipped and parsing resumes at the next comma.

export interface Challenge {
  /** Lowercased auth scheme, e.g. 'bearer', 'basic'. */
  scheme: string;
  /** Parameters by lowercased name; a token68 credential (`Negotiate abc==`) is under ''. */
  params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }

  peek(): string {
    return this.s[this.pos] ?? '';
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  skipSpacesAndCommas(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.pos++;
  }

  readWhile(re: RegExp): string {
    const start = this.pos;
    while (!this.done && re.test(this.peek())) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** Skips to the next top-level comma (not one inside a quoted string). */
  skipToComma(): void {
    while (!this.done && this.peek() !== ',') {
      if (this.peek() === '"') this.readQuoted();
      else this.pos++;
    }
  }

  /** Reads a quoted-string starting at `"`; undefined (and cursor at end) if unterminated. */
  readQuoted(): string | undefined {
    this.pos++; // opening quote
    let out = '';
    while (!this.done) {
      const c = this.peek();
      this.pos++;
      if (c === '"') return out;
      if (c === '\\' && !this.done) {
        out += this.peek();
        this.pos++;
      } else {
        out += c;
      }
    }
    return undefined;
  }
}

type Next = 'param' | 'challenge' | 'junk' | 'end';

/**
 * Classifies what follows the cursor (after any commas), without moving it: `token BWS =` is
 * another auth-param, a token followed by space, comma or end starts a new challenge.
 */
function classifyNext(c: Cursor): Next {
  const start = c.pos;
  try {
    c.skipSpacesAndCommas();
    if (c.done) return 'end';
    if (c.readWhile(TCHAR) === '') return 'junk';
    const afterName = c.peek();
    c.skipSpaces();
    if (c.peek() === '=') return 'param';
    return c.done || afterName === ' ' || afterName === '\t' || afterName === ',' ? 'challenge' : 'junk';
  } finally {
    c.pos = start;
  }
}

/**
 * Tries a token68 credential: it must be followed by the end or by a comma that does not
 * continue with an auth-param. Leaves the cursor unchanged when the text is really the first
 * auth-param (`realm="x"`, `realm=x`, `realm=, service=s`).
 */
function readToken68(c: Cursor): string | undefined {
  const start = c.pos;
  const body = c.readWhile(TOKEN68_CHAR);
  const padding = c.readWhile(/=/);
  c.skipSpaces();
  if (body !== '' && (c.done || (c.peek() === ',' && classifyNext(c) !== 'param'))) return body + padding;
  c.pos = start;
  return undefined;
}

/** Reads one `name = value` into params; on malformed input skips to the next comma. */
function readParam(c: Cursor, params: Record<string, string>): void {
  const name = c.readWhile(TCHAR).toLowerCase();
  c.skipSpaces();
  if (name === '' || c.peek() !== '=') {
    c.skipToComma();
    return;
  }
  c.pos++;
  c.skipSpaces();
  let value: string | undefined;
  if (c.peek() === '"') {
    value = c.readQuoted();
  } else {
    // Tolerate unquoted values outside the token grammar (`realm=https://x/token`).
    value = c.readWhile(/[^,\s"]/);
    if (value === '') value = undefined;
  }
  c.skipSpaces();
  if (value === undefined) {
    c.skipToComma();
    return;
  }
  // A parameter name must occur once per challenge (RFC 9110); the first occurrence wins.
  // defineProperty, not assignment: a hostile `__proto__=` must stay a plain data property.
  if (!Object.hasOwn(params, name)) {
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  }
}

function readChallenge(c: Cursor): Challenge | undefined {
  const scheme = c.readWhile(TCHAR);
  if (scheme === '') {
    c.pos++; // not a token character: junk, skip it
    c.skipToComma();
    return undefined;
  }
  const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
  const hadSpace = c.peek() === ' ' || c.peek() === '\t';
  c.skipSpaces();
  if (c.done || c.peek() === ',') return challenge;
  if (!hadSpace) {
    // `Bearer=...` or `Basic"x"`: not a challenge.
    c.skipToComma();
    return undefined;
  }
  const token68 = readToken68(c);
  if (token68 !== undefined) {
    challenge.params[''] = token68;
    return challenge;
  }
  for (;;) {
    readParam(c, challenge.params);
    if (!advanceToNextParam(c)) return challenge;
  }
}

/**
 * Moves past the separator to the next auth-param of the current challenge; false when the
 * challenge is over. A missing comma between two params (`realm="a" service="b"`) is
 * tolerated; items that are neither a param nor a new challenge are skipped.
 */
function advanceToNextParam(c: Cursor): boolean {
  for (;;) {
    if (c.done) return false;
    const next = classifyNext(c);
    if (c.peek() !== ',') {
      if (next === 'param') return true;
      c.skipToComma();
      continue;
    }
    if (next === 'param') {
      c.skipSpacesAndCommas();
      return true;
    }
    if (next !== 'junk') return false;
    c.skipSpacesAndCommas();
    c.skipToComma();
  }
}

function parseOne(header: string, out: Challenge[]): void {
  const c = new Cursor(header);
  for (;;) {
    c.skipSpacesAndCommas();
    if (c.done) return;
    const challenge = readChallenge(c);
    if (challenge) out.push(challenge);
  }
}

/** Parses one or several WWW-Authenticate (or Proxy-Authenticate) header values. */
export function parseChallenges(headers: string | string[] | undefined | null): Challenge[] {
  if (headers === undefined || headers === null) return [];
  const out: Challenge[] = [];
  for (const header of Array.isArray(headers) ? headers : [headers]) {
    if (typeof header === 'string') parseOne(header, out);
  }
  return out;
}

/** The first challenge with this scheme (case-insensitive), e.g. findChallenge(cs, 'bearer'). */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((ch) => ch.scheme === wanted);
}
