import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/error-messages.js';
import { isAnonymousSource, quotaSummary, resetText, shortDuration } from '../../../src/cli/rate-limit-text.js';
import { RegctlError } from '../../../src/errors.js';
import { registryErrorFrom } from '../../../src/transport/registry-error.js';

describe('rate-limit wording', () => {
  it.each([
    [21600, '6h'],
    [5400, '1h30m'],
    [90, '1m30s'],
    [3601, '1h1s'],
    [0, '0s'],
  ])('shortDuration(%i) = %s', (s, text) => {
    expect(shortDuration(s)).toBe(text);
  });

  it('an IP address (v4 or v6) is an anonymous source; anything else is an account', () => {
    expect(isAnonymousSource('192.0.2.1')).toBe(true);
    expect(isAnonymousSource('2001:db8::')).toBe(true);
    expect(isAnonymousSource('c0ffee00-account')).toBe(false);
    expect(isAnonymousSource(undefined)).toBe(false);
  });

  it('summarises only what the headers gave', () => {
    expect(quotaSummary({ limit: 100, windowSeconds: 21600, remaining: 76, source: '192.0.2.1' })).toBe('limit 100 per 6h, 76 remaining, counted against 192.0.2.1 (anonymous)');
    expect(quotaSummary({ remaining: 3 })).toBe('3 remaining');
  });

  it('states the reset moment in UTC', () => {
    expect(resetText(3600, Date.UTC(2025, 0, 1, 12, 0, 0, 500))).toBe('in 1h (at 2025-01-01T13:00:00Z)');
  });
});

describe('describeError for 429 without quota headers', () => {
  const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] });
  it('still says to retry later and log in (naming a non-Hub registry)', () => {
    const err = registryErrorFrom(429, '', headers({}), '', 'GET', 'https://r.example/v2/x/manifests/y');
    expect(describeError(err, { action: 'pull', registry: 'r.example' }).hint).toBe('retry later, or log in to raise the limit: regctl login r.example');
  });
});

describe('describeError for search and catalog', () => {
  it('words an unreachable search endpoint in one line with a network hint', () => {
    const err = new RegctlError('REGCTL_NETWORK', 'GET https://index.docker.io/v1/search?q=x&n=25: getaddrinfo ENOTFOUND index.docker.io');
    expect(describeError(err, { action: 'search', registry: 'docker.io' })).toEqual({
      message: 'search endpoint unreachable: GET https://index.docker.io/v1/search?q=x&n=25: getaddrinfo ENOTFOUND index.docker.io',
      hint: 'check the host name, the network and any proxy settings (HTTPS_PROXY, NO_PROXY)',
      exitCode: 5,
    });
  });

  it('keeps a TLS hint from the transport', () => {
    const err = new RegctlError('REGCTL_TLS', 'GET https://r.example/v2/: TLS error: self-signed certificate', { hint: 'add the CA' });
    expect(describeError(err, { action: 'catalog', registry: 'r.example' }).hint).toBe('add the CA');
  });
});
