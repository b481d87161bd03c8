import { describe, expect, it } from 'vitest';
import {
  DOCKER_HUB_KEY,
  convertToHostname,
  credentialKey,
  isDockerHub,
  keyVariants,
  sameRegistry,
} from '../../../src/config/credentials/keys.js';

describe('credentialKey', () => {
  it.each([
    ['docker.io', DOCKER_HUB_KEY],
    ['index.docker.io', DOCKER_HUB_KEY],
    ['registry-1.docker.io', DOCKER_HUB_KEY],
    ['https://index.docker.io/v1/', DOCKER_HUB_KEY],
    ['https://index.docker.io/v1', DOCKER_HUB_KEY],
    ['https://registry-1.docker.io/', DOCKER_HUB_KEY],
    ['http://docker.io', DOCKER_HUB_KEY],
    ['Docker.IO', DOCKER_HUB_KEY],
    ['quay.io', 'quay.io'],
    ['https://quay.io', 'quay.io'],
    ['http://quay.io/v1/', 'quay.io'],
    ['quay.io/some/repo', 'quay.io'],
    ['localhost:5000', 'localhost:5000'],
    ['https://localhost:5000/v2/', 'localhost:5000'],
    ['https://registry.example.com:443/', 'registry.example.com:443'],
    ['https://user@ghcr.io/', 'ghcr.io'],
    ['http://[::1]:5000/v2/', '[::1]:5000'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['Registry.Example.com', 'Registry.Example.com'],
  ])('%s -> %s', (input, expected) => {
    expect(credentialKey(input)).toBe(expected);
  });
});

describe('convertToHostname (docker ConvertToHostname)', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['http://host:8080/path', 'host:8080'],
    ['host/path', 'host'],
    ['host', 'host'],
    ['https://[::1]/', '::1'],
    ['  https://quay.io/  ', 'quay.io'],
  ])('%s -> %s', (input, expected) => {
    expect(convertToHostname(input)).toBe(expected);
  });

  // docker/cli cli/config/credentials/file_store_test.go TestConvertToHostname, row for row
  // (including the rows its FIXMEs would like to change: we match what docker does today).
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '[::1]'],
    ['example.com', 'example.com'],
    ['http://example.com', 'example.com'],
    ['https://example.com', 'example.com'],
    ['https://example.com/', 'example.com'],
    ['https://example.com/v2/', 'example.com'],
    ['unix:///var/run/docker.sock', 'unix:'],
    ['ftp://example.com', 'example.com'],
    ['127.0.0.1:6556', '127.0.0.1:6556'],
    ['::1:6556', '::1:6556'],
    ['[::1]:6556', '[::1]:6556'],
    ['example.com:6555', 'example.com:6555'],
    ['https://127.0.0.1:6555/v2/', '127.0.0.1:6555'],
    ['https://::1:6555/v2/', '[::1]:6555'],
    ['https://[::1]:6555/v2/', '[::1]:6555'],
    ['http://example.com:6555', 'example.com:6555'],
    ['https://example.com:6555', 'example.com:6555'],
    ['https://example.com:6555/v2/', 'example.com:6555'],
  ])('docker test vector %s -> %s', (input, expected) => {
    expect(convertToHostname(input)).toBe(expected);
  });

  it('gives a URL-shaped IPv6 key the same credential key as the registry name', () => {
    expect(credentialKey('https://::1:6555/v2/')).toBe(credentialKey('[::1]:6555'));
    expect(sameRegistry('https://::1:6555/v2/', '[::1]:6555')).toBe(true);
    expect(credentialKey('https://[2001:db8::1]/')).toBe('2001:db8::1');
  });
});

describe('keyVariants', () => {
  it('lists the canonical key first and every legacy spelling of a host', () => {
    const variants = keyVariants('quay.io');
    expect(variants[0]).toBe('quay.io');
    expect(variants).toEqual(
      expect.arrayContaining(['https://quay.io', 'http://quay.io', 'https://quay.io/', 'https://quay.io/v1/', 'http://quay.io/v1/']),
    );
    expect(new Set(variants).size).toBe(variants.length);
    expect(variants.every((variant) => credentialKey(variant) === 'quay.io')).toBe(true);
  });

  it('covers every Hub alias, whichever alias is asked for', () => {
    for (const alias of ['docker.io', 'index.docker.io', 'registry-1.docker.io', DOCKER_HUB_KEY]) {
      const variants = keyVariants(alias);
      expect(variants[0]).toBe(DOCKER_HUB_KEY);
      expect(variants).toEqual(
        expect.arrayContaining([
          'index.docker.io',
          'docker.io',
          'registry-1.docker.io',
          'https://index.docker.io/v1',
          'https://registry-1.docker.io/',
          'https://docker.io',
          'http://index.docker.io/v1/',
        ]),
      );
    }
  });

  it('does not mix registries that merely share a prefix', () => {
    expect(keyVariants('quay.io').some((variant) => variant.includes('quay.io:'))).toBe(false);
    expect(keyVariants('localhost:5000')).not.toContain('localhost');
  });
});

describe('sameRegistry / isDockerHub', () => {
  it('matches spellings of one registry and nothing else', () => {
    expect(sameRegistry('https://QUAY.io/v1/', 'quay.io')).toBe(true);
    expect(sameRegistry('docker.io', 'https://index.docker.io/v1/')).toBe(true);
    expect(sameRegistry('localhost:5000', 'localhost:5001')).toBe(false);
    expect(sameRegistry('quay.io', 'quay.io.evil.example')).toBe(false);
    expect(isDockerHub('registry-1.docker.io')).toBe(true);
    expect(isDockerHub('ghcr.io')).toBe(false);
  });
});
