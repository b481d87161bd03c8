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
