// Scrubbing of secrets before anything reaches an error message, a log line or --debug output.
// Everything here is string based on purpose: a WHATWG `URL` round trip would re-encode and
// normalise the text (and throws on the malformed URLs we most need to show safely).

export const REDACTED = 'REDACTED';
export const SECRET_MASK = '***';

/** Query parameter names that carry credentials: tokens, OAuth codes, pre-signed blob URLs. */
const SECRET_PARAM_NAMES = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
  'secret',
  'client_secret',
  'signature',
  'sig',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  'code',
  'state',
]);

/** Names that only look secret by their shape, e.g. `upload_token`, `apiKey`, `X-Foo-Signature`. */
const SECRET_PARAM_PATTERN = /token|secret|passw(or)?d|signature|credential|api[-_]?key/i;

/** True when a query parameter of this name should never be shown. */
export function isSecretParamName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_PARAM_NAMES.has(lower) || SECRET_PARAM_PATTERN.test(lower);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Redacts `a=1&token=x` style lists, leaving everything else byte for byte. */
function redactParamList(list: string): string {
  return list
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      const rawName = part.slice(0, eq);
      return isSecretParamName(safeDecode(rawName)) ? `${rawName}=${REDACTED}` : part;
    })
    .join('&');
}

/**
 * Removes `user:pass@` from the authority and replaces the values of secret-looking query
 * (and fragment) parameters with REDACTED. Safe on anything, including non-URLs.
 */
export function redactUrl(url: string): string {
  let out = url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(out);
  const authorityStart = scheme ? scheme[0].length : out.startsWith('//') ? 2 : -1;
  if (authorityStart >= 0) {
    const rest = out.slice(authorityStart);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    if (at >= 0) out = out.slice(0, authorityStart) + rest.slice(at + 1);
  }
  const hashAt = out.indexOf('#');
  const beforeHash = hashAt < 0 ? out : out.slice(0, hashAt);
  const hash = hashAt < 0 ? undefined : out.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  let result =
    queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt + 1) + redactParamList(beforeHash.slice(queryAt + 1));
  if (hash !== undefined) result += '#' + redactParamList(hash);
  return result;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-registry-auth',
  'x-registry-token',
  'x-docker-token',
  'x-auth-token',
]);

/** `Bearer abc` -> `Bearer REDACTED`: the scheme is useful when debugging and is not a secret. */
function redactCredentialValue(name: string, value: string): string {
  if (name === 'authorization' || name === 'proxy-authorization') {
    const scheme = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value);
    if (scheme) return `${scheme[1]} ${REDACTED}`;
  }
  return REDACTED;
}

/** A copy of the headers with credential-bearing values replaced; names are kept as given. */
export function redactHeaders(h: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    const lower = name.toLowerCase();
    if (!SECRET_HEADERS.has(lower)) {
      out[name] = value;
    } else {
      out[name] = Array.isArray(value)
        ? value.map((v) => redactCredentialValue(lower, v))
        : redactCredentialValue(lower, value);
    }
  }
  return out;
}

/**
 * The spellings under which a secret can end up in text we print: as is, URL-encoded (query
 * strings, form bodies) and JSON-escaped (request/response dumps).
 */
function spellings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms].filter((f) => f.length > 0);
}

/**
 * Replaces every known secret (and its encoded spellings) in `text` with `***`.
 * Longest first, so a secret that contains another is removed whole.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const all = new Set<string>();
  for (const s of secrets) if (s) for (const f of spellings(s)) all.add(f);
  let out = text;
  for (const s of [...all].sort((a, b) => b.length - a.length)) out = out.split(s).join(SECRET_MASK);
  return out;
}

/**
 * The secrets seen during one run (passwords, identity tokens, bearer tokens), so that debug
 * output can be scrubbed of them wherever they turn up. Every non-empty value is kept: a short
 * password garbles output when redacted, but leaking it would be worse.
 */
export class SecretRegistry implements Iterable<string> {
  readonly #secrets = new Set<string>();

  /** Registers a secret value; empty and missing values are ignored. */
  add(secret: string | null | undefined): this {
    if (secret) this.#secrets.add(secret);
    return this;
  }

  /** Registers a password or token and its `Authorization: Basic` form, base64(`user:secret`). */
  addBasic(username: string, secret: string | null | undefined): this {
    if (!secret) return this;
    this.#secrets.add(secret);
    this.#secrets.add(Buffer.from(`${username}:${secret}`, 'utf8').toString('base64'));
    return this;
  }

  get size(): number {
    return this.#secrets.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#secrets.values();
  }

  redact(text: string): string {
    return this.#secrets.size === 0 ? text : redactSecrets(text, this.#secrets);
  }
}
