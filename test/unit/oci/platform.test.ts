import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Descriptor, ImageIndex, Platform } from '../../../src/oci/manifest.js';
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../../src/oci/media-types.js';
import {
  formatPlatform,
  hostPlatform,
  parsePlatform,
  platformFromNode,
  platformMatches,
  selectManifest,
} from '../../../src/oci/platform.js';

describe('parsePlatform', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64' }],
    ['linux/aarch64/8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['Linux/X86_64', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/armel', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/i386', { os: 'linux', architecture: '386' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
    ['linux/s390x', { os: 'linux', architecture: 's390x' }],
  ])('%s', (input, expected) => {
    const platform = parsePlatform(input);
    expect(platform).toEqual(expected);
    expect(Object.isFrozen(platform)).toBe(true);
  });

  it("accepts docker's one word: an OS takes this machine's architecture, an architecture this machine's OS", () => {
    const host = hostPlatform();
    expect(parsePlatform('arm64')).toEqual({ os: host.os, architecture: 'arm64' });
    expect(parsePlatform('x86_64')).toEqual({ os: host.os, architecture: 'amd64' });
    expect(parsePlatform('armhf')).toEqual({ os: host.os, architecture: 'arm', variant: 'v7' });
    expect(parsePlatform('Linux')).toEqual({ os: 'linux', architecture: host.architecture, ...(host.architecture === 'arm' && host.variant !== 'v7' ? { variant: host.variant } : {}) });
    expect(parsePlatform('windows').os).toBe('windows');
    expect(() => parsePlatform('beos')).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE', message: expect.stringContaining('unknown operating system or architecture') }));
  });

  it.each(['', 'beos', 'linux/', '/amd64', 'linux/amd64/v8/extra', 'linux amd64', 'linux/amd 64', 'linux//v8'])(
    'refuses %j with a usage error',
    (input) => {
      expect(() => parsePlatform(input)).toThrow(
        expect.objectContaining({ code: 'REGCTL_USAGE', message: expect.stringContaining('expected os/arch[/variant]') }),
      );
    },
  );
});

describe('formatPlatform', () => {
  it.each([
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64/v8'],
    [{ os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    [{ os: 'windows', architecture: 'amd64', variant: '' }, 'windows/amd64'],
  ])('%j -> %s', (platform, text) => {
    expect(formatPlatform(platform)).toBe(text);
  });

  it('round-trips through parsePlatform', () => {
    for (const s of ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v6', 'windows/amd64']) {
      expect(formatPlatform(parsePlatform(s))).toBe(s);
    }
  });
});

describe('platformFromNode / hostPlatform', () => {
  it.each([
    ['linux', 'x64', undefined, 'linux/amd64'],
    ['linux', 'arm64', undefined, 'linux/arm64/v8'],
    ['darwin', 'arm64', undefined, 'linux/arm64/v8'],
    ['win32', 'x64', undefined, 'windows/amd64'],
    ['linux', 'arm', '6', 'linux/arm/v6'],
    ['linux', 'arm', undefined, 'linux/arm/v7'],
    ['linux', 'ia32', undefined, 'linux/386'],
    ['linux', 's390x', undefined, 'linux/s390x'],
    ['linux', 'riscv64', undefined, 'linux/riscv64'],
    ['linux', 'ppc64', undefined, endianness() === 'LE' ? 'linux/ppc64le' : 'linux/ppc64'],
  ])('%s %s (arm %s) -> %s', (nodePlatform, nodeArch, armVersion, expected) => {
    expect(formatPlatform(platformFromNode(nodePlatform, nodeArch, armVersion))).toBe(expected);
  });

  const expectedArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
  it.runIf(process.arch in expectedArch)('maps this machine to OCI names', () => {
    const host = hostPlatform();
    expect(host.os).toBe(process.platform === 'win32' ? 'windows' : 'linux');
    expect(host.architecture).toBe(expectedArch[process.arch]);
  });
});

describe('platformMatches', () => {
  const p = (s: string): Platform => {
    const [os = '', architecture = '', variant] = s.split('/');
    return variant === undefined ? { os, architecture } : { os, architecture, variant };
  };
  it.each([
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/aarch64', 'linux/arm64/v8', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v7', 'linux/arm', true],
    ['linux/arm/v6', 'linux/arm', false],
    ['linux/amd64', 'linux/amd64/v1', true],
    ['Linux/x86_64', 'linux/amd64', true],
    ['linux/amd64', 'linux/amd64/v3', false],
    ['linux/amd64', 'windows/amd64', false],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/arm64/v9', 'linux/arm64', false],
  ])('%s vs %s -> %s', (want, have, expected) => {
    expect(platformMatches(p(want), p(have))).toBe(expected);
  });
});

describe('selectManifest', () => {
  let n = 0;
  const entry = (os: string, architecture: string, variant?: string): Descriptor => ({
    mediaType: OCI_IMAGE_MANIFEST,
    digest: `sha256:${String(++n).padStart(64, '0')}`,
    size: 100,
    platform: variant === undefined ? { os, architecture } : { os, architecture, variant },
  });
  const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests });

  const amd64 = entry('linux', 'amd64');
  const armV6 = entry('linux', 'arm', 'v6');
  const armV7 = entry('linux', 'arm', 'v7');
  const arm64 = entry('linux', 'arm64', 'v8');
  const i386 = entry('linux', '386');
  const attestation = entry('unknown', 'unknown');
  const noPlatform: Descriptor = { mediaType: OCI_IMAGE_MANIFEST, digest: `sha256:${'e'.repeat(64)}`, size: 1 };
  const full = index(noPlatform, attestation, armV6, amd64, armV7, arm64, i386);

  it.each([
    ['linux/amd64', amd64],
    ['linux/arm64', arm64],
    ['linux/arm64/v8', arm64],
    ['linux/arm/v7', armV7],
    ['linux/arm', armV7],
    ['linux/arm/v6', armV6],
    ['linux/amd64/v3', amd64],
  ])('picks the exact entry for %s', (want, expected) => {
    expect(selectManifest(full, parsePlatform(want))).toBe(expected);
  });

  it('prefers the exact variant over a compatible one listed earlier', () => {
    expect(selectManifest(index(armV6, armV7), parsePlatform('linux/arm/v7'))).toBe(armV7);
  });

  it('falls back like docker: arm/v7 -> v6, amd64 -> 386, arm64 -> 32-bit arm, arm64/v8.2 -> v8', () => {
    expect(selectManifest(index(armV6, amd64), parsePlatform('linux/arm/v7'))).toBe(armV6);
    expect(selectManifest(index(i386, arm64), parsePlatform('linux/amd64'))).toBe(i386);
    expect(selectManifest(index(amd64, armV6, armV7), parsePlatform('linux/arm64'))).toBe(armV7);
    expect(selectManifest(index(amd64, arm64), parsePlatform('linux/arm64/v8.2'))).toBe(arm64);
    const v85 = entry('linux', 'arm64', 'v8.5');
    expect(selectManifest(index(arm64, v85), parsePlatform('linux/arm64/v9'))).toBe(v85);
  });

  it('never falls back upwards or across operating systems', () => {
    expect(selectManifest(index(armV7), parsePlatform('linux/arm/v6'))).toBeUndefined();
    expect(selectManifest(index(amd64), parsePlatform('linux/386'))).toBeUndefined();
    expect(selectManifest(index(amd64), parsePlatform('windows/amd64'))).toBeUndefined();
    expect(selectManifest(full, parsePlatform('linux/ppc64le'))).toBeUndefined();
  });

  it('ignores entries without a platform and attestation entries', () => {
    expect(selectManifest(index(noPlatform, attestation), parsePlatform('linux/amd64'))).toBeUndefined();
  });
});
