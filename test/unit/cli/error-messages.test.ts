import { describe, expect, it } from 'vitest';
import { describeError, EXIT } from '../../../src/cli/error-messages.js';
import { RegctlError } from '../../../src/errors.js';
import { registryErrorFrom } from '../../../src/transport/registry-error.js';

const headers = (h: Record<string, string> = {}) => ({ get: (n: string) => h[n.toLowerCase()] });
const regErr = (status: number, code: string, message: string, h: Record<string, string> = {}) =>
  registryErrorFrom(status, '', headers(h), JSON.stringify({ errors: [{ code, message }] }), 'GET', 'https://r.example/v2/x/manifests/y');

describe('describeError', () => {
  it('words a missing manifest like docker manifest inspect', () => {
    const d = describeError(regErr(404, 'MANIFEST_UNKNOWN', 'manifest unknown'), { action: 'manifest-inspect', ref: 'docker.io/library/busybox:nope' });
    expect(d).toEqual({ message: 'no such manifest: docker.io/library/busybox:nope', exitCode: EXIT.notFound });
  });

  it('words a missing manifest like docker pull', () => {
    const d = describeError(regErr(404, 'MANIFEST_UNKNOWN', 'manifest unknown'), { action: 'pull', ref: 'busybox:nope', repository: 'busybox' });
    expect(d.message).toBe('manifest for busybox:nope not found: manifest unknown: manifest unknown');
  });

  it('words a 401 without a registry error (HEAD, a Basic realm\'s page) as docker: unauthorized: authentication required', () => {
    const ctx = { action: 'push' as const, ref: 'r.example/x:y', repository: 'r.example/x', registry: 'r.example' };
    for (const body of [undefined, '<html>401</html>']) {
      const e = registryErrorFrom(401, 'Unauthorized', headers({ 'www-authenticate': 'Basic realm="r"' }), body, body ? 'GET' : 'HEAD', 'https://r.example/v2/x/blobs/sha256:0');
      const d = describeError(e, ctx);
      expect(d.message).toBe('unauthorized: authentication required');
      expect(d.hint).toContain("run 'regctl login r.example'");
      expect(d.exitCode).toBe(EXIT.auth);
    }
  });

  it('words denied pulls like docker, with a login hint and exit 3', () => {
    const d = describeError(regErr(401, 'UNAUTHORIZED', 'authentication required'), {
      action: 'pull',
      ref: 'foo:latest',
      repository: 'foo',
      registry: 'docker.io',
    });
    expect(d.message).toBe("pull access denied for foo, repository does not exist or may require 'regctl login': unauthorized: authentication required");
    expect(d.hint).toContain('regctl login');
    expect(d.exitCode).toBe(EXIT.auth);
  });

  it('names the registry in the login hint for non-Hub registries', () => {
    const d = describeError(regErr(403, 'DENIED', 'requested access to the resource is denied'), { action: 'tags', repository: 'r:5000/x', registry: 'r:5000' });
    expect(d.hint).toBe("run 'regctl login r:5000' if the repository is private");
  });

  it('explains rate limits with the reset time and exits 5', () => {
    const d = describeError(regErr(429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit.', { 'retry-after': '120', 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' }));
    expect(d.message).toBe('toomanyrequests: You have reached your pull rate limit.');
    expect(d.hint).toContain('retry after 120s');
    expect(d.hint).toContain('limit 100');
    expect(d.exitCode).toBe(EXIT.unavailable);
  });

  it.each([
    ['REGCTL_INVALID_REFERENCE', EXIT.usage],
    ['REGCTL_USAGE', EXIT.usage],
    ['REGCTL_UNAUTHORIZED', EXIT.auth],
    ['REGCTL_NOT_FOUND', EXIT.notFound],
    ['REGCTL_NETWORK', EXIT.unavailable],
    ['REGCTL_TLS', EXIT.unavailable],
    ['REGCTL_DIGEST_MISMATCH', EXIT.failure],
    ['REGCTL_CONFIG', EXIT.localIo],
    ['REGCTL_ABORTED', EXIT.interrupted],
  ] as const)('%s exits %i', (code, exit) => {
    expect(describeError(new RegctlError(code, 'x')).exitCode).toBe(exit);
  });

  it('reports unexpected errors as internal with a bug hint', () => {
    const d = describeError(new TypeError('boom'));
    expect(d).toMatchObject({ message: 'internal error: boom', exitCode: 1 });
    expect(d.hint).toContain('bug');
  });
});
