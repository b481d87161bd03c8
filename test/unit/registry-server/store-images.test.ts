import { describe, expect, it } from 'vitest';
import { servedName } from '../../../src/registry-server/store-images.js';

describe('servedName (store images served by registry serve)', () => {
  it('maps full names to repository and tag; a port becomes _PORT', () => {
    expect(servedName('docker.io/library/busybox:latest')).toEqual({ repo: 'docker.io/library/busybox', tag: 'latest' });
    expect(servedName('127.0.0.1:5000/team/app:1.0')).toEqual({ repo: '127.0.0.1_5000/team/app', tag: '1.0' });
  });

  it('skips names it cannot serve: digests, no host, no tag', () => {
    expect(servedName('docker.io/library/busybox@sha256:' + 'a'.repeat(64))).toBeUndefined();
    expect(servedName('v1')).toBeUndefined();
    expect(servedName('localhost:5000/app')).toBeUndefined();
  });
});
