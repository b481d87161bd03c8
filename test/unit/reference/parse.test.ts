import { describe, expect, it } from 'vitest';
import { parseReference, parseRepository } from '../../../src/reference/parse.js';

// Cases follow docker's distribution/reference tests (reference_test.go, normalize_test.go)
// and what `docker pull` prints for them.

const F64 = 'f'.repeat(64);
const SHA256 = `sha256:${F64}`;
const SHA384 = `sha384:${'e'.repeat(96)}`;
const SHA512 = `sha512:${'d'.repeat(128)}`;
const HEX64 = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';

interface Valid {
  input: string;
  full: string;
  familiar: string;
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  defaulted?: boolean;
}

const valid: Valid[] = [
  // familiar names and their defaults
  { input: 'busybox', full: 'docker.io/library/busybox:latest', familiar: 'busybox:latest', registry: 'docker.io', repository: 'library/busybox', tag: 'latest', defaulted: true },
  { input: 'busybox:1.36', full: 'docker.io/library/busybox:1.36', familiar: 'busybox:1.36', registry: 'docker.io', repository: 'library/busybox', tag: '1.36' },
  { input: 'library/busybox', full: 'docker.io/library/busybox:latest', familiar: 'busybox:latest', registry: 'docker.io', repository: 'library/busybox', tag: 'latest', defaulted: true },
  { input: 'docker.io/busybox', full: 'docker.io/library/busybox:latest', familiar: 'busybox:latest', registry: 'docker.io', repository: 'library/busybox', tag: 'latest', defaulted: true },
  { input: 'docker.io/library/busybox:latest', full: 'docker.io/library/busybox:latest', familiar: 'busybox:latest', registry: 'docker.io', repository: 'library/busybox', tag: 'latest' },
  { input: 'index.docker.io/foo', full: 'docker.io/library/foo:latest', familiar: 'foo:latest', registry: 'docker.io', repository: 'library/foo', tag: 'latest', defaulted: true },
  { input: 'index.docker.io/docker/docker', full: 'docker.io/docker/docker:latest', familiar: 'docker/docker:latest', registry: 'docker.io', repository: 'docker/docker', tag: 'latest', defaulted: true },
  { input: 'user/app', full: 'docker.io/user/app:latest', familiar: 'user/app:latest', registry: 'docker.io', repository: 'user/app', tag: 'latest', defaulted: true },
  { input: 'other/library', full: 'docker.io/other/library:latest', familiar: 'other/library:latest', registry: 'docker.io', repository: 'other/library', tag: 'latest', defaulted: true },
  // library/ is only dropped when one component remains
  { input: 'library/foo/bar', full: 'docker.io/library/foo/bar:latest', familiar: 'library/foo/bar:latest', registry: 'docker.io', repository: 'library/foo/bar', tag: 'latest', defaulted: true },
  { input: 'store/foo/bar:1', full: 'docker.io/store/foo/bar:1', familiar: 'store/foo/bar:1', registry: 'docker.io', repository: 'store/foo/bar', tag: '1' },
  // hosts: '.', ':' or localhost in the first component
  { input: 'localhost/foo', full: 'localhost/foo:latest', familiar: 'localhost/foo:latest', registry: 'localhost', repository: 'foo', tag: 'latest', defaulted: true },
  { input: 'localhost:5000/x:1', full: 'localhost:5000/x:1', familiar: 'localhost:5000/x:1', registry: 'localhost:5000', repository: 'x', tag: '1' },
  { input: '127.0.0.1:5000/docker/docker', full: '127.0.0.1:5000/docker/docker:latest', familiar: '127.0.0.1:5000/docker/docker:latest', registry: '127.0.0.1:5000', repository: 'docker/docker', tag: 'latest', defaulted: true },
  { input: '192.168.1.1:5000/repo:5050', full: '192.168.1.1:5000/repo:5050', familiar: '192.168.1.1:5000/repo:5050', registry: '192.168.1.1:5000', repository: 'repo', tag: '5050' },
  { input: 'test:5000/repo', full: 'test:5000/repo:latest', familiar: 'test:5000/repo:latest', registry: 'test:5000', repository: 'repo', tag: 'latest', defaulted: true },
  { input: 'quay.io/org/app:v1', full: 'quay.io/org/app:v1', familiar: 'quay.io/org/app:v1', registry: 'quay.io', repository: 'org/app', tag: 'v1' },
  { input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', full: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', familiar: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', registry: 'sub-dom1.foo.com', repository: 'bar/baz/quux', tag: 'some-long-tag' },
  { input: 'b.gcr.io/test.example.com/my-app:test.example.com', full: 'b.gcr.io/test.example.com/my-app:test.example.com', familiar: 'b.gcr.io/test.example.com/my-app:test.example.com', registry: 'b.gcr.io', repository: 'test.example.com/my-app', tag: 'test.example.com' },
  { input: 'xn--n3h.com:18080/foo', full: 'xn--n3h.com:18080/foo:latest', familiar: 'xn--n3h.com:18080/foo:latest', registry: 'xn--n3h.com:18080', repository: 'foo', tag: 'latest', defaulted: true },
  // without a slash, `host:port` is a name and a tag
  { input: 'localhost:5000', full: 'docker.io/library/localhost:5000', familiar: 'localhost:5000', registry: 'docker.io', repository: 'library/localhost', tag: '5000' },
  { input: 'test.com:5000', full: 'docker.io/library/test.com:5000', familiar: 'test.com:5000', registry: 'docker.io', repository: 'library/test.com', tag: '5000' },
  { input: '192.168.1.1', full: 'docker.io/library/192.168.1.1:latest', familiar: '192.168.1.1:latest', registry: 'docker.io', repository: 'library/192.168.1.1', tag: 'latest', defaulted: true },
  // a first component without '.', ':' or uppercase is a path, not a host
  { input: 'foo/foo_bar.com:8080', full: 'docker.io/foo/foo_bar.com:8080', familiar: 'foo/foo_bar.com:8080', registry: 'docker.io', repository: 'foo/foo_bar.com', tag: '8080' },
  { input: 'test_com/foo', full: 'docker.io/test_com/foo:latest', familiar: 'test_com/foo:latest', registry: 'docker.io', repository: 'test_com/foo', tag: 'latest', defaulted: true },
  // an uppercase first component is taken as a host
  { input: 'Foo/bar', full: 'Foo/bar:latest', familiar: 'Foo/bar:latest', registry: 'Foo', repository: 'bar', tag: 'latest', defaulted: true },
  { input: 'DOCKER/docker', full: 'DOCKER/docker:latest', familiar: 'DOCKER/docker:latest', registry: 'DOCKER', repository: 'docker', tag: 'latest', defaulted: true },
  // IPv6
  { input: '[2001:db8::1]/repo', full: '[2001:db8::1]/repo:latest', familiar: '[2001:db8::1]/repo:latest', registry: '[2001:db8::1]', repository: 'repo', tag: 'latest', defaulted: true },
  { input: '[::1]:5000/repo', full: '[::1]:5000/repo:latest', familiar: '[::1]:5000/repo:latest', registry: '[::1]:5000', repository: 'repo', tag: 'latest', defaulted: true },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', full: '[2001:db8:1:2:3:4:5:6]/repo:tag', familiar: '[2001:db8:1:2:3:4:5:6]/repo:tag', registry: '[2001:db8:1:2:3:4:5:6]', repository: 'repo', tag: 'tag' },
  { input: `[2001:db8::1]:5000/repo:tag@${SHA256}`, full: `[2001:db8::1]:5000/repo:tag@${SHA256}`, familiar: `[2001:db8::1]:5000/repo:tag@${SHA256}`, registry: '[2001:db8::1]:5000', repository: 'repo', tag: 'tag', digest: SHA256 },
  // digests of each algorithm; tag and digest together keep both
  { input: `user/app@${SHA256}`, full: `docker.io/user/app@${SHA256}`, familiar: `user/app@${SHA256}`, registry: 'docker.io', repository: 'user/app', digest: SHA256 },
  { input: `busybox@${SHA384}`, full: `docker.io/library/busybox@${SHA384}`, familiar: `busybox@${SHA384}`, registry: 'docker.io', repository: 'library/busybox', digest: SHA384 },
  { input: `xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, full: `xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, familiar: `xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, registry: 'xn--7o8h.com', repository: 'myimage', tag: 'xn--7o8h.com', digest: SHA512 },
  { input: `busybox:latest@${SHA256}`, full: `docker.io/library/busybox:latest@${SHA256}`, familiar: `busybox:latest@${SHA256}`, registry: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: SHA256 },
  { input: `test:5000/repo:tag@${SHA256}`, full: `test:5000/repo:tag@${SHA256}`, familiar: `test:5000/repo:tag@${SHA256}`, registry: 'test:5000', repository: 'repo', tag: 'tag', digest: SHA256 },
  // tags may be uppercase; names may be 64 characters if not all hex, or hex behind a host
  { input: 'lowercase:Uppercase', full: 'docker.io/library/lowercase:Uppercase', familiar: 'lowercase:Uppercase', registry: 'docker.io', repository: 'library/lowercase', tag: 'Uppercase' },
  { input: 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', full: 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest', familiar: 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest', registry: 'docker.io', repository: 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', tag: 'latest', defaulted: true },
  { input: `docker.io/${HEX64}`, full: `docker.io/library/${HEX64}:latest`, familiar: `${HEX64}:latest`, registry: 'docker.io', repository: `library/${HEX64}`, tag: 'latest', defaulted: true },
  // separators
  { input: 'dock__er/docker---rules', full: 'docker.io/dock__er/docker---rules:latest', familiar: 'dock__er/docker---rules:latest', registry: 'docker.io', repository: 'dock__er/docker---rules', tag: 'latest', defaulted: true },
  { input: 'd/t:_w.-x', full: 'docker.io/d/t:_w.-x', familiar: 'd/t:_w.-x', registry: 'docker.io', repository: 'd/t', tag: '_w.-x' },
];

describe('parseReference: valid references', () => {
  it.each(valid)('$input', (c) => {
    const ref = parseReference(c.input);
    expect(ref.toString()).toBe(c.full);
    expect(String(ref)).toBe(c.full);
    expect(ref.familiar()).toBe(c.familiar);
    expect(ref.registry).toBe(c.registry);
    expect(ref.repository).toBe(c.repository);
    expect(ref.tag).toBe(c.tag);
    expect(ref.digest).toBe(c.digest);
    expect(ref.tagDefaulted).toBe(c.defaulted ?? false);
    expect(ref.name()).toBe(`${c.registry}/${c.repository}`);
  });

  it('round-trips: parsing the full form gives the same reference', () => {
    for (const c of valid) {
      const again = parseReference(parseReference(c.input).toString());
      expect(again.toString()).toBe(c.full);
    }
  });
});

const INVALID = 'invalid reference format';
const lowercase = (path: string) => `invalid reference format: repository name (${path}) must be lowercase`;
const TOO_LONG = 'repository name must not be more than 255 characters';

const invalid: [string, string][] = [
  ['', INVALID],
  [':justtag', INVALID],
  [':tag', INVALID],
  [`@${SHA256}`, INVALID],
  ['@sha256:bad', INVALID],
  ['busybox@sha256:bad', INVALID],
  ['busybox:', INVALID],
  ['busybox@', INVALID],
  ['busybox:a:b', INVALID],
  [`busybox@${SHA256}@${SHA256}`, INVALID],
  ['aa/asdf$$^/aa', INVALID],
  [' busybox', INVALID],
  ['https://github.com/docker/docker', INVALID],
  // leading, trailing and double slashes; bad separators
  ['busybox/', INVALID],
  ['docker/', INVALID],
  ['/busybox', INVALID],
  ['docker///docker', INVALID],
  ['foo//bar', INVALID],
  ['docker.io/docker///docker', INVALID],
  ['-docker', INVALID],
  ['-docker/docker', INVALID],
  ['docker-/docker', INVALID],
  ['-docker.io/docker/docker', INVALID],
  ['____/____', INVALID],
  ['_docker/_docker', INVALID],
  ['dock..er/docker', INVALID],
  ['dock_.er/docker', INVALID],
  ['dock-.er/docker', INVALID],
  ['dock___er/docker', INVALID],
  // tags
  ['busybox:-x', INVALID],
  ['busybox:.x', INVALID],
  [`busybox:${'a'.repeat(129)}`, INVALID],
  // IPv6 without a path, unbracketed, with a zone or an embedded IPv4
  ['[2001:db8::1]', INVALID],
  ['[2001:db8::1]:5000', INVALID],
  ['[2001:db8::1]:tag', INVALID],
  ['fc00::1:5000/debian', INVALID],
  ['[fe80::1%eth0]:5000/repo', INVALID],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', INVALID],
  // digests: grammar first, then go-digest's checks
  [`repo@sha256:${'f'.repeat(34)}`, 'invalid checksum digest length'],
  [`busybox@sha256:${'f'.repeat(63)}`, 'invalid checksum digest length'],
  [`busybox@sha256:${'f'.repeat(31)}`, INVALID],
  [`busybox@sha256:${'f'.repeat(65)}`, 'invalid checksum digest length'],
  [`busybox@sha384:${F64}`, 'invalid checksum digest length'],
  [`busybox@sha512:${'f'.repeat(96)}`, 'invalid checksum digest length'],
  [`busybox@sha256:${'F'.repeat(64)}`, 'invalid checksum digest format'],
  [`validname@invaliddigest:${F64}`, 'unsupported digest algorithm'],
  [`busybox@md5:${'f'.repeat(32)}`, 'unsupported digest algorithm'],
  // uppercase: docker's message names what it checked
  ['Foo', lowercase('library/Foo')],
  ['Uppercase:tag', lowercase('library/Uppercase')],
  ['docker/Docker', lowercase('docker/Docker')],
  ['docker.io/docker/Docker', lowercase('docker/Docker')],
  ['test:5000/Uppercase/lowercase:tag', lowercase('Uppercase/lowercase')],
  [`Foo@${SHA256}`, lowercase('library/Foo@sha256')],
  [`busybox@SHA256:${F64}`, lowercase('library/busybox@SHA256')],
  // 64 hex characters would be an image ID
  [HEX64, `invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`],
];

describe('parseReference: invalid references', () => {
  it.each(invalid)('%j -> %s', (input, message) => {
    let caught: unknown;
    try {
      parseReference(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'REGCTL_INVALID_REFERENCE', name: 'InvalidReferenceError', message });
  });
});

describe('parseReference: limits', () => {
  it('accepts a 128-character tag and refuses 129', () => {
    expect(parseReference(`busybox:${'a'.repeat(128)}`).tag).toHaveLength(128);
    expect(() => parseReference(`busybox:${'a'.repeat(129)}`)).toThrow(INVALID);
  });

  it('accepts a 255-character path and refuses 256', () => {
    const path255 = `${'a/'.repeat(127)}a`;
    expect(parseReference(`${path255}:tag-puts-this-over-max`).repository).toHaveLength(255);
    expect(() => parseReference(`${'a/'.repeat(127)}aa`)).toThrow(TOO_LONG);
    expect(() => parseReference(`${'a/'.repeat(128)}a:tag`)).toThrow(TOO_LONG);
  });

  it('counts the limit on the normalised path (library/ included), not on the registry', () => {
    expect(parseReference('a'.repeat(247)).repository).toHaveLength(255);
    expect(() => parseReference('a'.repeat(248))).toThrow(TOO_LONG);
    const longHost = `${'h'.repeat(60)}.example.com:5000`;
    expect(parseReference(`${longHost}/${'b'.repeat(255)}`).registry).toBe(longHost);
  });

  it('stays fast on long hostile input', () => {
    const start = Date.now();
    for (const s of ['a-'.repeat(50_000), `${'a.'.repeat(50_000)}/x!`, `${'a/'.repeat(50_000)}!`, `${'a'.repeat(100_000)}!`]) {
      expect(() => parseReference(s)).toThrow();
    }
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe('Reference behaviour', () => {
  it('identifier() is the digest when there is one, else the tag', () => {
    expect(parseReference('busybox').identifier()).toBe('latest');
    expect(parseReference('busybox:1.36').identifier()).toBe('1.36');
    expect(parseReference(`busybox:1.36@${SHA256}`).identifier()).toBe(SHA256);
    expect(parseReference(`busybox@${SHA256}`).identifier()).toBe(SHA256);
  });

  it('withTag replaces the tag and drops the digest', () => {
    const ref = parseReference(`quay.io/org/app:v1@${SHA256}`).withTag('v2');
    expect(ref.toString()).toBe('quay.io/org/app:v2');
    expect(ref.digest).toBeUndefined();
    expect(ref.tagDefaulted).toBe(false);
    expect(parseReference('busybox').withTag('1.36').tagDefaulted).toBe(false);
  });

  it('withTag refuses an invalid tag', () => {
    const ref = parseReference('busybox');
    expect(() => ref.withTag('-bad')).toThrow(expect.objectContaining({ code: 'REGCTL_INVALID_REFERENCE' }));
    expect(() => ref.withTag('a'.repeat(129))).toThrow(/invalid tag format/);
  });

  it('withDigest sets the digest and keeps the tag', () => {
    const ref = parseReference('busybox:1.36').withDigest(SHA256);
    expect(ref.toString()).toBe(`docker.io/library/busybox:1.36@${SHA256}`);
    expect(ref.familiar()).toBe(`busybox:1.36@${SHA256}`);
    expect(ref.identifier()).toBe(SHA256);
    const defaulted = parseReference('busybox').withDigest(SHA512);
    expect(defaulted.tag).toBe('latest');
    expect(defaulted.tagDefaulted).toBe(true);
  });

  it('withDigest refuses an invalid digest', () => {
    const ref = parseReference('busybox');
    expect(() => ref.withDigest('sha256:abc')).toThrow('invalid checksum digest length');
    expect(() => ref.withDigest('nope')).toThrow('invalid checksum digest format');
  });

  it('is immutable', () => {
    const ref = parseReference('busybox');
    expect(Object.isFrozen(ref)).toBe(true);
    expect(() => {
      (ref as { tag: string }).tag = 'other';
    }).toThrow(TypeError);
    expect(ref.tag).toBe('latest');
    const derived = ref.withTag('x');
    expect(Object.isFrozen(derived)).toBe(true);
    expect(ref.tag).toBe('latest');
  });
});

describe('parseRepository', () => {
  it.each([
    ['busybox', 'docker.io', 'library/busybox', 'busybox'],
    ['index.docker.io/user/app', 'docker.io', 'user/app', 'user/app'],
    ['library/foo/bar', 'docker.io', 'library/foo/bar', 'library/foo/bar'],
    ['localhost:5000/a/b', 'localhost:5000', 'a/b', 'localhost:5000/a/b'],
    ['[::1]:5000/x', '[::1]:5000', 'x', '[::1]:5000/x'],
  ])('%s', (input, registry, repository, familiar) => {
    const repo = parseRepository(input);
    expect(repo.registry).toBe(registry);
    expect(repo.repository).toBe(repository);
    expect(repo.name()).toBe(`${registry}/${repository}`);
    expect(repo.toString()).toBe(`${registry}/${repository}`);
    expect(repo.familiarName()).toBe(familiar);
    expect(Object.isFrozen(repo)).toBe(true);
    expect('tag' in repo).toBe(false);
  });

  it.each(['busybox:latest', `busybox@${SHA256}`, `busybox:1@${SHA256}`, 'localhost:5000'])(
    'refuses a tag or digest: %s',
    (input) => {
      expect(() => parseRepository(input)).toThrow(
        expect.objectContaining({
          code: 'REGCTL_INVALID_REFERENCE',
          message: `invalid repository name (${input}): expected a repository without a tag or digest`,
        }),
      );
    },
  );

  it('reports grammar errors like parseReference', () => {
    expect(() => parseRepository('Foo')).toThrow(lowercase('library/Foo'));
    expect(() => parseRepository('')).toThrow(INVALID);
    expect(() => parseRepository(HEX64)).toThrow('cannot specify 64-byte hexadecimal strings');
  });
});
