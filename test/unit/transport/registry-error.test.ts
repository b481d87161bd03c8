import { describe, expect, it } from 'vitest';
import { isRegctlError, RegctlError } from '../../../src/errors.js';
import {
  parseRateLimit,
  readBodyPrefix,
  readRegistryError,
  RegistryError,
  registryErrorFrom,
  type HeaderGetter,
} from '../../../src/transport/registry-error.js';

function headers(h: Record<string, string> = {}): HeaderGetter {
  const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower[name.toLowerCase()] ?? null };
}

const URL_ = 'https://registry.example.com/v2/library/busybox/manifests/nope';
const body = (...errors: object[]) => JSON.stringify({ errors });

describe('registryErrorFrom: message (docker rendering) and code', () => {
  it.each<[string, number, string | undefined, string, string, string]>([
    [
      'manifest unknown (distribution, with detail)',
      404,
      'Not Found',
      body({ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'nope' } }),
      'manifest unknown: manifest unknown',
      'REGCTL_NOT_FOUND',
    ],
    [
      'Hub: denied',
      403,
      'Forbidden',
      body({ code: 'DENIED', message: 'requested access to the resource is denied' }),
      'denied: requested access to the resource is denied',
      'REGCTL_DENIED',
    ],
    [
      'Hub: unauthorized for a missing repository',
      401,
      'Unauthorized',
      body({ code: 'UNAUTHORIZED', message: 'authentication required', detail: [{ Type: 'repository', Name: 'x/y', Action: 'pull' }] }),
      'unauthorized: authentication required',
      'REGCTL_UNAUTHORIZED',
    ],
    [
      'Hub: rate limit',
      429,
      'Too Many Requests',
      body({
        code: 'TOOMANYREQUESTS',
        message: 'You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
      }),
      'toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
      'REGCTL_RATE_LIMITED',
    ],
    [
      'name unknown',
      404,
      'Not Found',
      body({ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }),
      'name unknown: repository name not known to registry',
      'REGCTL_NOT_FOUND',
    ],
    [
      'several errors',
      400,
      'Bad Request',
      body({ code: 'MANIFEST_INVALID', message: 'manifest invalid' }, { code: 'DIGEST_INVALID', message: 'provided digest did not match' }),
      'errors:\nmanifest invalid: manifest invalid\ndigest invalid: provided digest did not match\n',
      'REGCTL_REGISTRY',
    ],
    [
      'the registry code outranks the status (401 + DENIED)',
      401,
      'Unauthorized',
      body({ code: 'DENIED', message: 'no' }),
      'denied: no',
      'REGCTL_DENIED',
    ],
    [
      '*_UNKNOWN on a 400 is not-found (manifest references a missing blob)',
      400,
      'Bad Request',
      body({ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }),
      'blob unknown: blob unknown to registry',
      'REGCTL_NOT_FOUND',
    ],
    [
      'bare UNKNOWN is not *_UNKNOWN',
      500,
      'Internal Server Error',
      body({ code: 'UNKNOWN', message: 'unknown error' }),
      'unknown: unknown error',
      'REGCTL_REGISTRY',
    ],
    ['empty message renders the code only', 404, '', body({ code: 'BLOB_UNKNOWN' }), 'blob unknown', 'REGCTL_NOT_FOUND'],
    ['no body: status text', 401, 'Unauthorized', '', '401 Unauthorized', 'REGCTL_UNAUTHORIZED'],
    ['HTTP/2 gives no reason phrase: standard text used', 503, '', '', '503 Service Unavailable', 'REGCTL_REGISTRY'],
    ['unknown status without text', 599, undefined, '', '599', 'REGCTL_REGISTRY'],
    ['short text body', 502, 'Bad Gateway', 'upstream  connect\n error', '502 Bad Gateway: upstream connect error', 'REGCTL_REGISTRY'],
    [
      'HTML error page is dropped',
      502,
      'Bad Gateway',
      '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      '502 Bad Gateway',
      'REGCTL_REGISTRY',
    ],
    ['long text is dropped', 500, 'Internal Server Error', 'x'.repeat(201), '500 Internal Server Error', 'REGCTL_REGISTRY'],
    ['binary junk is dropped', 500, 'Internal Server Error', 'ab\u0000\u0001cd', '500 Internal Server Error', 'REGCTL_REGISTRY'],
    ['token server {"message"} body', 400, 'Bad Request', '{"message":"invalid scope"}', '400 Bad Request: invalid scope', 'REGCTL_REGISTRY'],
    ['{"error"} body', 401, 'Unauthorized', '{"error":"invalid_grant"}', '401 Unauthorized: invalid_grant', 'REGCTL_UNAUTHORIZED'],
    ['JSON without errors falls back', 404, 'Not Found', '{"foo":1}', '404 Not Found', 'REGCTL_NOT_FOUND'],
    ['empty errors array falls back', 404, 'Not Found', '{"errors":[]}', '404 Not Found', 'REGCTL_NOT_FOUND'],
    ['429 without body', 429, 'Too Many Requests', '', '429 Too Many Requests', 'REGCTL_RATE_LIMITED'],
  ])('%s', (_name, status, statusText, text, message, code) => {
    const err = registryErrorFrom(status, statusText, headers(), text, 'GET', URL_);
    expect(err.message).toBe(message);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
  });

  it('HEAD: says that HEAD responses carry no body', () => {
    const err = registryErrorFrom(404, 'Not Found', headers(), '', 'head', URL_);
    expect(err.message).toBe('404 Not Found (HEAD responses carry no body)');
    expect(err.method).toBe('HEAD');
    expect(err.code).toBe('REGCTL_NOT_FOUND');
  });
});

describe('RegistryError fields', () => {
  it('is a RegctlError with the parsed errors list', () => {
    const err = registryErrorFrom(
      404,
      'Not Found',
      headers(),
      body({ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'nope' } }),
      'GET',
      URL_,
    );
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toBeInstanceOf(RegctlError);
    expect(isRegctlError(err)).toBe(true);
    expect(err.name).toBe('RegistryError');
    expect(err.errors).toEqual([{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'nope' } }]);
    expect(err.url).toBe(URL_);
  });

  it('keeps a usable text body as one UNKNOWN entry', () => {
    const err = registryErrorFrom(502, 'Bad Gateway', headers(), 'upstream connect error', 'GET', URL_);
    expect(err.errors).toEqual([{ code: 'UNKNOWN', message: 'upstream connect error' }]);
  });

  it('normalises malformed entries instead of failing', () => {
    const err = registryErrorFrom(400, 'Bad Request', headers(), '{"errors":[{"message":{"a":1}}, 7, null]}', 'GET', URL_);
    expect(err.errors).toEqual([{ code: 'UNKNOWN', message: '{"a":1}' }]);
  });

  it('redacts the URL (userinfo, secret query values)', () => {
    const err = registryErrorFrom(
      403,
      'Forbidden',
      headers(),
      '',
      'GET',
      'https://bob:hunter2@cdn.example.com/blob?X-Amz-Signature=abc&X-Amz-Expires=60',
    );
    expect(err.url).toBe('https://cdn.example.com/blob?X-Amz-Signature=REDACTED&X-Amz-Expires=60');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('hunter2');
  });

  it.each<[string, number, string, boolean]>([
    ['429', 429, '', true],
    ['408', 408, '', true],
    ['500', 500, '', true],
    ['502', 502, '', true],
    ['503', 503, '', true],
    ['504', 504, '', true],
    ['501 is permanent', 501, '', false],
    ['400', 400, '', false],
    ['404', 404, '', false],
    ['TOOMANYREQUESTS on a 400', 400, body({ code: 'TOOMANYREQUESTS', message: 'slow down' }), true],
    ['UNAVAILABLE on a 400', 400, body({ code: 'UNAVAILABLE', message: 'maintenance' }), true],
    ['UNKNOWN on a 400', 400, body({ code: 'UNKNOWN', message: '?' }), true],
    ['mixed temporary and permanent codes', 400, body({ code: 'UNKNOWN', message: '?' }, { code: 'TAG_INVALID', message: 'x' }), false],
    ['never 401, whatever the code', 401, body({ code: 'UNAVAILABLE', message: 'x' }), false],
    ['never 403', 403, body({ code: 'TOOMANYREQUESTS', message: 'x' }), false],
    ['a text body (synthetic UNKNOWN) is not temporary', 400, 'bad request', false],
  ])('temporary: %s', (_name, status, text, want) => {
    expect(registryErrorFrom(status, undefined, headers(), text, 'GET', URL_).temporary).toBe(want);
  });

  it('parses Retry-After (seconds) into retryAfterMs', () => {
    const err = registryErrorFrom(429, 'Too Many Requests', headers({ 'Retry-After': '30' }), '', 'GET', URL_);
    expect(err.retryAfterMs).toBe(30_000);
    expect(registryErrorFrom(429, '', headers(), '', 'GET', URL_).retryAfterMs).toBeUndefined();
  });

  it('parses Docker Hub rate-limit headers', () => {
    const h = headers({
      'ratelimit-limit': '100;w=21600',
      'ratelimit-remaining': '0;w=21600',
      'ratelimit-reset': '3600',
      'docker-ratelimit-source': '203.0.113.7',
    });
    const err = registryErrorFrom(429, 'Too Many Requests', h, '', 'GET', URL_);
    expect(err.rateLimit).toEqual({ limit: 100, remaining: 0, reset: 3600, windowSeconds: 21600, source: '203.0.113.7' });
  });

  it('rateLimit is undefined without the headers, partial with some', () => {
    expect(parseRateLimit(headers())).toBeUndefined();
    expect(parseRateLimit(headers({ 'ratelimit-remaining': '76' }))).toEqual({ remaining: 76 });
    expect(parseRateLimit(headers({ 'ratelimit-limit': 'abc;w=x' }))).toBeUndefined();
    // The source alone is no quota.
    expect(parseRateLimit(headers({ 'docker-ratelimit-source': '203.0.113.7' }))).toBeUndefined();
  });

  it('takes challengeError from the Bearer challenge error= param', () => {
    const h = headers({
      'WWW-Authenticate':
        'Bearer realm="https://127.0.0.1:5001/auth",service="Docker registry",scope="repository:private/app:push,pull",error="insufficient_scope"',
    });
    const err = registryErrorFrom(401, 'Unauthorized', h, body({ code: 'UNAUTHORIZED', message: 'authentication required' }), 'PUT', URL_);
    expect(err.challengeError).toBe('insufficient_scope');
    expect(err.code).toBe('REGCTL_UNAUTHORIZED');
  });

  it('challengeError is also found on a non-Bearer challenge, and is undefined without error=', () => {
    expect(registryErrorFrom(401, '', headers({ 'www-authenticate': 'Basic realm="x", Foo error="invalid_token"' }), '', 'GET', URL_).challengeError).toBe('invalid_token');
    expect(registryErrorFrom(401, '', headers({ 'www-authenticate': 'Basic realm="x"' }), '', 'GET', URL_).challengeError).toBeUndefined();
  });
});

/** A fake streaming body: `total` bytes in `chunkSize` chunks, recording how much was pulled. */
function fakeBody(total: number, chunkSize: number, fill = 0x61) {
  const state = { pulledBytes: 0, finished: false, closed: false };
  async function* gen(): AsyncGenerator<Uint8Array> {
    try {
      for (let sent = 0; sent < total; sent += chunkSize) {
        const n = Math.min(chunkSize, total - sent);
        state.pulledBytes += n;
        yield new Uint8Array(n).fill(fill);
      }
      state.finished = true;
    } finally {
      state.closed = true; // runs on return(): the stream was told to stop
    }
  }
  return { body: gen(), state };
}

describe('readRegistryError', () => {
  it('reads only 64 KiB of a 1 MiB body and closes the rest', async () => {
    const { body: b, state } = fakeBody(1024 * 1024, 16 * 1024);
    const err = await readRegistryError({ status: 500, statusText: 'Internal Server Error', headers: headers(), body: b }, 'GET', URL_);
    expect(state.pulledBytes).toBe(64 * 1024);
    expect(state.finished).toBe(false);
    expect(state.closed).toBe(true);
    expect(err.message).toBe('500 Internal Server Error'); // 64 KiB of 'a' is not a usable text
  });

  it('truncates a chunk that crosses the limit', async () => {
    const { body: b, state } = fakeBody(1024 * 1024, 100_000);
    const text = await readBodyPrefix(b);
    expect(text.length).toBe(64 * 1024);
    expect(state.pulledBytes).toBe(100_000);
    expect(state.closed).toBe(true);
  });

  it('parses a JSON error body delivered in several chunks', async () => {
    const json = new TextEncoder().encode(body({ code: 'DENIED', message: 'requested access to the resource is denied' }));
    async function* chunks() {
      yield json.subarray(0, 10);
      yield json.subarray(10, 11);
      yield json.subarray(11);
    }
    const err = await readRegistryError({ status: 403, headers: headers(), body: chunks() }, 'GET', URL_);
    expect(err.message).toBe('denied: requested access to the resource is denied');
    expect(err.code).toBe('REGCTL_DENIED');
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"errors":[{"code":"DENIED","message":"zugriff verweigert: \u00fc"}]}');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two-byte ü
    async function* chunks() {
      yield bytes.subarray(0, cut);
      yield bytes.subarray(cut);
    }
    const err = await readRegistryError({ status: 403, headers: headers(), body: chunks() }, 'GET', URL_);
    expect(err.message).toBe('denied: zugriff verweigert: \u00fc');
  });

  it('keeps what arrived when the body fails mid-read', async () => {
    async function* broken() {
      yield new TextEncoder().encode('upstream reset');
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    const err = await readRegistryError({ status: 502, statusText: 'Bad Gateway', headers: headers(), body: broken() }, 'GET', URL_);
    expect(err.message).toBe('502 Bad Gateway: upstream reset');
  });

  it('handles a missing body and HEAD', async () => {
    const err = await readRegistryError({ status: 401, statusText: 'Unauthorized', headers: headers(), body: null }, 'HEAD', URL_);
    expect(err.message).toBe('401 Unauthorized (HEAD responses carry no body)');
    expect(err.code).toBe('REGCTL_UNAUTHORIZED');
  });

  it('accepts a web ReadableStream (fetch) and a Node Readable (undici.request) body', async () => {
    const text = body({ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' });
    const web = new Blob([text]).stream() as unknown as AsyncIterable<Uint8Array>;
    const { Readable } = await import('node:stream');
    const node = Readable.from([Buffer.from(text)]);
    for (const b of [web, node]) {
      const err = await readRegistryError({ status: 404, headers: headers(), body: b }, 'GET', URL_);
      expect(err.message).toBe('name unknown: repository name not known to registry');
    }
  });

  it('accepts string chunks (a Readable with setEncoding)', async () => {
    async function* strings() {
      yield 'upstream ';
      yield 'timeout';
    }
    const text = await readBodyPrefix(strings() as unknown as AsyncIterable<Uint8Array>);
    expect(text).toBe('upstream timeout');
  });

  it('destroys a Node Readable after the 64 KiB prefix', async () => {
    const { Readable } = await import('node:stream');
    let produced = 0;
    const node = new Readable({
      read() {
        produced += 16 * 1024;
        this.push(Buffer.alloc(16 * 1024, 0x62));
      },
    });
    await readBodyPrefix(node);
    expect(node.destroyed).toBe(true);
    expect(produced).toBeLessThan(1024 * 1024);
  });
});
