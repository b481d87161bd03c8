import { describe, expect, it } from 'vitest';
import {
  DOCKER_HUB,
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_CREDENTIAL_KEY,
  DOCKER_HUB_SEARCH_HOST,
  apiHost,
  credentialKey,
  isLoopbackHost,
  normalizeRegistryHost,
} from '../../../src/reference/hosts.js';

describe('Docker Hub names', () => {
  it('keeps the three Hub names apart', () => {
    expect(DOCKER_HUB).toBe('docker.io');
    expect(DOCKER_HUB_API_HOST).toBe('registry-1.docker.io');
    expect(DOCKER_HUB_CREDENTIAL_KEY).toBe('https://index.docker.io/v1/');
    expect(DOCKER_HUB_SEARCH_HOST).toBe('index.docker.io');
  });
});

describe('apiHost', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io'],
    ['quay.io', 'quay.io'],
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:5000', '[::1]:5000'],
    ['index.docker.io', 'index.docker.io'],
  ])('%s -> %s', (registry, host) => {
    expect(apiHost(registry)).toBe(host);
  });
});

describe('credentialKey', () => {
  it.each([
    ['docker.io', 'https://index.docker.io/v1/'],
    ['index.docker.io', 'https://index.docker.io/v1/'],
    ['quay.io', 'quay.io'],
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:5000', '[::1]:5000'],
    ['registry.example.com:8443', 'registry.example.com:8443'],
  ])('%s -> %s', (registry, key) => {
    expect(credentialKey(registry)).toBe(key);
  });
});

describe('normalizeRegistryHost', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['http://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['https://registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['quay.io', 'quay.io'],
    ['quay.io/', 'quay.io'],
    ['HTTPS://quay.io/v2/', 'quay.io'],
    ['http://localhost:5000', 'localhost:5000'],
    ['localhost:5000', 'localhost:5000'],
    ['https://registry.example.com:8443/some/path', 'registry.example.com:8443'],
    ['MyReg.Example.com', 'MyReg.Example.com'],
    ['[::1]:5000', '[::1]:5000'],
    ['https://[2001:db8::1]:5000/v2/', '[2001:db8::1]:5000'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('%s -> %s', (input, host) => {
    expect(normalizeRegistryHost(input)).toBe(host);
  });

  it.each(['', 'https://', 'http:///v1/', 'ftp://host.example.com', 'host name', 'host:port', '-bad.example.com', '[::1', 'a..b'])(
    'refuses %j',
    (input) => {
      expect(() => normalizeRegistryHost(input)).toThrow(
        expect.objectContaining({ code: 'REGCTL_INVALID_REFERENCE', message: `invalid registry address (${input})` }),
      );
    },
  );

  it.each(['user:pw-s3cret@reg.example.com', 'https://user:pw-s3cret@reg.example.com/v2/'])(
    'refuses credentials in the address without echoing them: %s',
    (input) => {
      let caught: unknown;
      try {
        normalizeRegistryHost(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ code: 'REGCTL_INVALID_REFERENCE' });
      expect((caught as Error).message).not.toContain('s3cret');
      expect((caught as Error).message).toContain('credentials must not be part of the address');
    },
  );
});

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'localhost:5000',
    'LOCALHOST:5000',
    '127.0.0.1',
    '127.0.0.1:5000',
    '127.255.255.254:80',
    '127.1.2.3',
    '[::1]',
    '[::1]:5000',
    '::1',
    '[0:0:0:0:0:0:0:1]:5000',
    '[::ffff:127.0.0.1]:5000',
    'registry.localhost:5000',
    'A.LOCALHOST',
  ])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    '',
    'docker.io',
    'example.com:5000',
    'localhost.example.com',
    'mylocalhost:5000',
    'localhost.:5000',
    'notlocalhost:5000',
    '128.0.0.1',
    '10.0.0.1:5000',
    '0127.0.0.1',
    '127.0.0.256',
    '127.1',
    '[::2]:5000',
    '[fe80::1]',
    '::',
    '[::ffff:10.0.0.1]:5000',
  ])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
