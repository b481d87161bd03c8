import { describe, expect, it } from 'vitest';
import { pathPattern, referenceMatcher } from '../../../src/ops/reference-filter.js';
import { parseReference } from '../../../src/reference/parse.js';

describe('pathPattern (Go path.Match)', () => {
  it.each([
    ['busybox', 'busybox', true],
    ['my-app', 'my-app', true], // '-' outside a class: was an invalid escape under the u flag
    ['127.0.0.1:5000/team/my-app', '127.0.0.1:5000/team/my-app', true],
    ['busy*', 'busybox', true],
    ['*', 'library/busybox', false],
    ['*/*', 'library/busybox', true],
    ['b?sybox', 'busybox', true],
    ['[a-c]usybox', 'busybox', true],
    ['[^a-c]usybox', 'busybox', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['x.y', 'xzy', false],
  ])('%s ~ %s -> %s', (pattern, name, expected) => {
    expect(pathPattern(pattern).test(name)).toBe(expected);
  });

  it('rejects a malformed pattern as a usage error', () => {
    expect(() => pathPattern('[abc')).toThrow('syntax error in pattern');
    expect(() => pathPattern('abc\\')).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
  });
});

describe('referenceMatcher', () => {
  const busybox = parseReference('busybox:1.36');
  it('matches familiar and full names, with or without the tag', () => {
    expect(referenceMatcher('busybox')(busybox)).toBe(true);
    expect(referenceMatcher('busybox:1.36')(busybox)).toBe(true);
    expect(referenceMatcher('busybox:latest')(busybox)).toBe(false);
    expect(referenceMatcher('docker.io/library/busybox')(busybox)).toBe(true);
    expect(referenceMatcher('docker.io/library/busybox:1.*')(busybox)).toBe(true);
    expect(referenceMatcher('alpine')(busybox)).toBe(false);
  });
});
