// The fallback order and its error: mirrors in order, then the registry; abort stops at once.
import { describe, expect, it } from 'vitest';
import { RegctlError } from '../../../../src/errors.js';
import { firstServing, MirrorRouter, type ReadAttempt } from '../../../../src/store/remote/mirror-router.js';
import type { HttpResponse } from '../../../../src/transport/http.js';

function response(status: number, body = ''): HttpResponse {
  const headers = new Map<string, string>([['content-type', 'application/json']]);
  return {
    status,
    statusText: '',
    url: `http://x/v2/a/manifests/b`,
    headers: { get: (n: string) => headers.get(n.toLowerCase()), getAll: () => [] },
    body: (async function* () {
      yield Buffer.from(body);
    })(),
    bytes: async () => Buffer.from(body),
    text: async () => body,
    dump: async () => undefined,
  } as unknown as HttpResponse;
}

const ok200 = (s: number) => s === 200;

describe('firstServing', () => {
  it('takes the first mirror that answers and records the ones skipped', async () => {
    const calls: string[] = [];
    const attempts: ReadAttempt[] = [
      { label: 'http://m1', mirror: true, send: async () => (calls.push('m1'), Promise.reject(new RegctlError('REGCTL_NETWORK', 'connect ECONNREFUSED'))) },
      { label: 'http://m2', mirror: true, send: async () => (calls.push('m2'), response(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')) },
      { label: 'http://m3', mirror: true, send: async () => (calls.push('m3'), response(200)) },
      { label: 'registry-1.docker.io', mirror: false, send: async () => (calls.push('hub'), response(200)) },
    ];
    const r = await firstServing(attempts, 'GET', ok200);
    expect(calls).toEqual(['m1', 'm2', 'm3']);
    expect(r.served.label).toBe('http://m3');
    expect(r.failures.map((f) => f.endpoint)).toEqual(['http://m1', 'http://m2']);
    expect(r.failures[1]!.reason).toContain('manifest unknown');
  });

  it('falls back on a 5xx too, and when everything fails lists every endpoint with the last error\'s code', async () => {
    const attempts: ReadAttempt[] = [
      { label: 'http://m1', mirror: true, send: async () => response(503) },
      { label: 'registry-1.docker.io', mirror: false, send: async () => Promise.reject(new RegctlError('REGCTL_NETWORK', 'getaddrinfo ENOTFOUND registry-1.docker.io')) },
    ];
    const err = (await firstServing(attempts, 'GET', ok200).catch((e: unknown) => e)) as RegctlError;
    expect(err.code).toBe('REGCTL_NETWORK');
    expect(err.message).toMatch(/^every endpoint failed: http:\/\/m1 \(.*503.*\); registry-1\.docker\.io \(getaddrinfo ENOTFOUND registry-1\.docker\.io\)$/);
  });

  it('without a failing mirror, the registry\'s own error passes unchanged', async () => {
    const original = new RegctlError('REGCTL_NOT_FOUND', 'manifest unknown');
    const err = await firstServing([{ label: 'r', mirror: false, send: async () => Promise.reject(original) }], 'GET', ok200).catch((e: unknown) => e);
    expect(err).toBe(original);
  });

  it('an abort is not a reason to try the next endpoint', async () => {
    let hubCalled = false;
    const attempts: ReadAttempt[] = [
      { label: 'http://m1', mirror: true, send: async () => Promise.reject(new RegctlError('REGCTL_ABORTED', 'aborted')) },
      { label: 'hub', mirror: false, send: async () => ((hubCalled = true), response(200)) },
    ];
    await expect(firstServing(attempts, 'GET', ok200)).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(hubCalled).toBe(false);
  });
});

describe('MirrorRouter', () => {
  it('keys Docker Hub aliases as docker.io, keeps order, drops duplicates', () => {
    const r = new MirrorRouter({ 'index.docker.io': ['http://a:1', 'http://b:2/'], 'docker.io': ['http://a:1'], 'quay.io': ['https://q'] });
    expect(r.mirrorsFor('docker.io').map((m) => m.url)).toEqual(['http://a:1', 'http://b:2']);
    expect(r.mirrorsFor('quay.io').map((m) => m.url)).toEqual(['https://q']);
    expect(r.mirrorsFor('ghcr.io')).toEqual([]);
  });
});
