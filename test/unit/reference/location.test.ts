import { describe, expect, it } from 'vitest';
import { formatLocation, parseLocation } from '../../../src/reference/location.js';

describe('parseLocation', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['docker://busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['localhost:5000/team/app:1', 'localhost:5000/team/app:1'],
    ['docker://localhost:5000/team/app@sha256:' + 'a'.repeat(64), 'localhost:5000/team/app@sha256:' + 'a'.repeat(64)],
  ])('%s is a registry reference', (input, full) => {
    const location = parseLocation(input);
    expect(location.transport).toBe('docker');
    expect(location.transport === 'docker' && location.ref.toString()).toBe(full);
  });

  it.each([
    ['oci:build', { transport: 'oci', path: 'build', ref: undefined }],
    ['oci:build:v1', { transport: 'oci', path: 'build', ref: 'v1' }],
    // The path ends at the first colon: the rest is the ref.name, colons and all (skopeo's rule).
    ['oci:/tmp/x:docker.io/library/busybox:latest', { transport: 'oci', path: '/tmp/x', ref: 'docker.io/library/busybox:latest' }],
    ['oci-archive:app.tar', { transport: 'oci-archive', path: 'app.tar', ref: undefined }],
    ['oci-archive:app.tar:1.0', { transport: 'oci-archive', path: 'app.tar', ref: '1.0' }],
    ['docker-archive:saved.tar:app:1.0', { transport: 'docker-archive', path: 'saved.tar', ref: 'app:1.0' }],
    ['docker-archive:saved.tar:@1', { transport: 'docker-archive', path: 'saved.tar', ref: '@1' }],
    ['store:busybox:latest', { transport: 'store', name: 'busybox:latest' }],
  ])('%s', (input, expected) => {
    expect(parseLocation(input)).toEqual(expected);
    expect(formatLocation(parseLocation(input))).toBe(input);
  });

  it.each(['dir:/tmp/x', 'containers-storage:busybox', 'docker-daemon:busybox:latest'])('%s names the supported transports', (input) => {
    expect(() => parseLocation(input)).toThrowError(expect.objectContaining({ code: 'REGCTL_USAGE', hint: expect.stringContaining('oci-archive:') }));
  });

  it('a docker transport without // is refused with the right spelling', () => {
    expect(() => parseLocation('docker:busybox')).toThrowError(/docker:\/\/REFERENCE/);
  });

  it('a path given without a transport gets a hint to add one', () => {
    expect(() => parseLocation('./build/app.tar')).toThrowError(expect.objectContaining({ code: 'REGCTL_INVALID_REFERENCE', hint: expect.stringContaining('docker-archive:./build/app.tar') }));
  });

  it.each(['oci:', 'oci:dir:', 'store:', 'docker-archive:f.tar:app@sha256:' + 'a'.repeat(64)])('%s is refused', (input) => {
    expect(() => parseLocation(input)).toThrowError(/invalid|digest/);
  });
});
