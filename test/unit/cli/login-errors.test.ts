// How refused logins read (error-messages.ts, action 'login'): docker's text when the registry
// itself refused (Basic), the token server's message otherwise, and a hint that nothing was saved.
import { describe, expect, it } from 'vitest';
import { describeError, EXIT } from '../../../src/cli/error-messages.js';
import { RegctlError } from '../../../src/errors.js';
import { registryErrorFrom } from '../../../src/transport/registry-error.js';

const headers = { get: () => undefined };
const refusedByRegistry = () => registryErrorFrom(401, 'Unauthorized', headers, '', 'GET', 'http://127.0.0.1:5000/v2/');
const refusedByTokenServer = () => new RegctlError('REGCTL_UNAUTHORIZED', 'unauthorized: incorrect username or password');

describe('login failures', () => {
  it('uses docker\'s "login attempt ... failed with status" when the registry answered 401', () => {
    expect(describeError(refusedByRegistry(), { action: 'login', registry: '127.0.0.1:5000' })).toEqual({
      message: 'login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
      hint: 'check the user name and password for 127.0.0.1:5000; nothing was saved',
      exitCode: EXIT.auth,
    });
  });

  it('keeps the token server\'s message', () => {
    expect(describeError(refusedByTokenServer(), { action: 'login', registry: 'quay.io' }).message).toBe('unauthorized: incorrect username or password');
  });

  it.each([
    ['ghcr.io', 'check the user name and a personal access token (GitHub passwords are not accepted) for ghcr.io; nothing was saved'],
    ['docker.io', 'check the user name and password or personal access token for docker.io; nothing was saved'],
  ])('tailors the hint for %s', (registry, hint) => {
    expect(describeError(refusedByTokenServer(), { action: 'login', registry }).hint).toBe(hint);
  });

  it('leaves other commands\' wording alone', () => {
    expect(describeError(refusedByRegistry(), { action: 'tags', repository: 'x', registry: 'r' }).message).toMatch(/^pull access denied for x/);
  });
});
