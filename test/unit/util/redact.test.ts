import { describe, expect, it } from 'vitest';
import { isSecretParamName, redactHeaders, redactSecrets, redactUrl, SecretRegistry } from '../../../src/util/redact.js';

describe('redactUrl', () => {
  it.each([
    ['plain URL untouched', 'https://registry-1.docker.io/v2/library/busybox/manifests/latest', undefined],
    ['userinfo removed', 'https://user:s3cret@example.com/v2/', 'https://example.com/v2/'],
    ['username only removed', 'https://user@example.com/v2/', 'https://example.com/v2/'],
    ['@ in password (last @ of the authority)', 'https://u:p@ss@host:5000/v2/', 'https://host:5000/v2/'],
    ['@ in the path is not userinfo', 'https://host/v2/a@b', undefined],
    [
      'token query values',
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository:a:pull&token=abc',
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository:a:pull&token=REDACTED',
    ],
    [
      'S3 pre-signed blob redirect',
      'https://bucket.s3.amazonaws.com/blob?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2024&X-Amz-Signature=deadbeef&X-Amz-Expires=600',
      'https://bucket.s3.amazonaws.com/blob?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Expires=600',
    ],
    [
      'GCS and Azure signatures',
      'https://storage.googleapis.com/b/o?X-Goog-Signature=aa&sig=bb&se=2024',
      'https://storage.googleapis.com/b/o?X-Goog-Signature=REDACTED&sig=REDACTED&se=2024',
    ],
    [
      'OAuth code/state, password, secret, refresh and access tokens',
      'http://h/cb?code=1&state=2&password=3&secret=4&refresh_token=5&access_token=6&keep=7',
      'http://h/cb?code=REDACTED&state=REDACTED&password=REDACTED&secret=REDACTED&refresh_token=REDACTED&access_token=REDACTED&keep=7',
    ],
    ['names are case-insensitive', 'https://h/?TOKEN=x&Signature=y', 'https://h/?TOKEN=REDACTED&Signature=REDACTED'],
    ['secret-looking names by pattern', 'https://h/?upload_token=x&apiKey=y', 'https://h/?upload_token=REDACTED&apiKey=REDACTED'],
    ['fragment params too', 'https://h/cb#access_token=x&scope=y', 'https://h/cb#access_token=REDACTED&scope=y'],
    ['both at once', 'https://a:b@h/p?token=t#x', 'https://h/p?token=REDACTED#x'],
    ['encoding of other params kept byte for byte', 'https://h/?q=a%20b+c&last=x%2Fy', undefined],
    ['not a URL: left alone', 'localhost:5000/v2/', undefined],
    ['malformed URL still scrubbed', 'https://us er:pw@ho st/?token=1', 'https://ho st/?token=REDACTED'],
    ['empty', '', undefined],
  ])('%s', (_name, input, want) => {
    expect(redactUrl(input)).toBe(want ?? input);
  });

  it('is idempotent', () => {
    const once = redactUrl('https://u:p@h/?token=x');
    expect(redactUrl(once)).toBe(once);
  });
});

describe('isSecretParamName', () => {
  it.each(['token', 'sig', 'X-Amz-Security-Token', 'client_secret', 'code', 'state', 'id_token'])('%s is secret', (n) =>
    expect(isSecretParamName(n)).toBe(true),
  );
  it.each(['n', 'last', 'scope', 'service', 'digest', 'mount', 'from'])('%s is not', (n) =>
    expect(isSecretParamName(n)).toBe(false),
  );
});

describe('redactHeaders', () => {
  it('redacts credential headers in any case, keeps the auth scheme, leaves the rest', () => {
    const input = {
      Authorization: 'Bearer eyJhbGciOi.payload.sig',
      'proxy-authorization': 'Basic dXNlcjpwYXNz',
      Cookie: 'session=abc',
      'Set-Cookie': ['a=1', 'b=2'],
      'X-Registry-Auth': 'eyJ1c2VybmFtZSI6ImEifQ==',
      Accept: 'application/vnd.oci.image.index.v1+json',
      'Docker-Content-Digest': 'sha256:abc',
    };
    expect(redactHeaders(input)).toEqual({
      Authorization: 'Bearer REDACTED',
      'proxy-authorization': 'Basic REDACTED',
      Cookie: 'REDACTED',
      'Set-Cookie': ['REDACTED', 'REDACTED'],
      'X-Registry-Auth': 'REDACTED',
      Accept: 'application/vnd.oci.image.index.v1+json',
      'Docker-Content-Digest': 'sha256:abc',
    });
  });

  it('redacts an Authorization value without a scheme entirely', () => {
    expect(redactHeaders({ authorization: 'justatoken' })).toEqual({ authorization: 'REDACTED' });
  });

  it('does not modify its input', () => {
    const input = { Authorization: 'Bearer x' };
    redactHeaders(input);
    expect(input.Authorization).toBe('Bearer x');
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redactSecrets('pw=hunter2 again hunter2, tok=abc.def', ['hunter2', 'abc.def'])).toBe(
      'pw=*** again ***, tok=***',
    );
  });

  it('replaces URL-encoded and JSON-escaped spellings', () => {
    const secret = 'p@ss w/"q"&=';
    const text = `form: password=${encodeURIComponent(secret)} query: ${new URLSearchParams({ p: secret })} json: ${JSON.stringify({ p: secret })}`;
    const out = redactSecrets(text, [secret]);
    expect(out).toBe('form: password=*** query: p=*** json: {"p":"***"}');
  });

  it('removes a longer secret whole even when a shorter one is inside it', () => {
    expect(redactSecrets('token abc123xyz', ['abc', 'abc123xyz'])).toBe('token ***');
  });

  it('ignores empty secrets', () => {
    expect(redactSecrets('unchanged', ['', ''])).toBe('unchanged');
  });
});

describe('SecretRegistry', () => {
  it('scrubs registered secrets and the base64 user:secret form of Basic credentials', () => {
    const reg = new SecretRegistry().addBasic('alice', 'hunter2').add('eyJ.tok.en').add(undefined).add('');
    const basic = Buffer.from('alice:hunter2').toString('base64');
    const text = `Authorization: Basic ${basic}\nbody {"password":"hunter2"}\nBearer eyJ.tok.en`;
    expect(reg.redact(text)).toBe('Authorization: Basic ***\nbody {"password":"***"}\nBearer ***');
    expect(reg.size).toBe(3);
    expect([...reg]).toContain(basic);
  });

  it('returns the text unchanged when empty', () => {
    expect(new SecretRegistry().redact('alice hunter2')).toBe('alice hunter2');
  });

  it('addBasic without a secret registers nothing', () => {
    expect(new SecretRegistry().addBasic('alice', undefined).size).toBe(0);
  });
});
