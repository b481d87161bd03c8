import { describe, expect, it } from 'vitest';
import {
  DIGEST_HEX_LENGTHS,
  createDigester,
  digestOf,
  isDigest,
  parseDigest,
  shortId,
  type DigestAlgorithm,
} from '../../../src/oci/digest.js';

// FIPS 180-2 test vectors.
const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC: Record<DigestAlgorithm, string> = {
  sha256: 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sha384: 'sha384:cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  sha512:
    'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
};

describe('parseDigest', () => {
  it.each(Object.entries(ABC))('splits a valid %s digest', (algorithm, digest) => {
    const parsed = parseDigest(digest);
    expect(parsed).toEqual({ algorithm, hex: digest.slice(algorithm.length + 1) });
    expect(parsed.hex).toHaveLength(DIGEST_HEX_LENGTHS[algorithm as DigestAlgorithm]);
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  const FORMAT = 'invalid checksum digest format';
  const LENGTH = 'invalid checksum digest length';
  const UNSUPPORTED = 'unsupported digest algorithm';
  it.each([
    ['', FORMAT],
    ['sha256', FORMAT],
    ['sha256:', FORMAT],
    [':abc', FORMAT],
    ['sha256:abc', LENGTH],
    [`sha256:${'a'.repeat(63)}`, LENGTH],
    [`sha256:${'a'.repeat(65)}`, LENGTH],
    [`sha384:${'a'.repeat(64)}`, LENGTH],
    [`sha512:${'a'.repeat(96)}`, LENGTH],
    [`sha256:${'A'.repeat(64)}`, FORMAT],
    [`sha256:${'a'.repeat(63)}g`, FORMAT],
    [`sha256: ${'a'.repeat(63)}`, FORMAT],
    [`SHA256:${'a'.repeat(64)}`, FORMAT],
    [`md5:${'a'.repeat(32)}`, UNSUPPORTED],
    [`sha1:${'a'.repeat(40)}`, UNSUPPORTED],
    [`sha256+b64u:${'a'.repeat(43)}`, UNSUPPORTED],
  ])('refuses %j (%s)', (input, message) => {
    expect(() => parseDigest(input)).toThrow(expect.objectContaining({ code: 'REGCTL_INVALID_REFERENCE', message }));
  });
});

describe('isDigest', () => {
  it('accepts each supported algorithm', () => {
    for (const digest of Object.values(ABC)) expect(isDigest(digest)).toBe(true);
  });

  it.each([undefined, null, 42, '', 'sha256:abc', `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`])(
    'rejects %j',
    (value) => {
      expect(isDigest(value)).toBe(false);
    },
  );
});

describe('DIGEST_HEX_LENGTHS', () => {
  it('lists the supported algorithms and cannot be changed', () => {
    expect(DIGEST_HEX_LENGTHS).toEqual({ sha256: 64, sha384: 96, sha512: 128 });
    expect(Object.isFrozen(DIGEST_HEX_LENGTHS)).toBe(true);
  });
});

describe('shortId', () => {
  it.each([
    [EMPTY_SHA256, 'e3b0c44298fc'],
    [ABC.sha512, 'ddaf35a19361'],
    ['e3b0c44298fc1c149afbf4c8996fb924', 'e3b0c44298fc'],
    ['sha256:abc', 'abc'],
  ])('%s -> %s', (digest, id) => {
    expect(shortId(digest)).toBe(id);
  });
});

describe('createDigester / digestOf', () => {
  it.each(Object.entries(ABC))('computes %s', (algorithm, expected) => {
    expect(createDigester(algorithm as DigestAlgorithm).update('abc').digest()).toBe(expected);
    expect(digestOf(new TextEncoder().encode('abc'), algorithm as DigestAlgorithm)).toBe(expected);
  });

  it('defaults to sha256', () => {
    expect(digestOf(new Uint8Array())).toBe(EMPTY_SHA256);
    expect(createDigester().digest()).toBe(EMPTY_SHA256);
  });

  it('gives the same digest for chunked and whole input', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const d = createDigester('sha256');
    for (let i = 0; i < bytes.length; i += 4096) d.update(bytes.subarray(i, i + 4096));
    expect(d.digest()).toBe(digestOf(bytes));
  });

  it('returns the same value when digest() is called again, and refuses later updates', () => {
    const d = createDigester('sha256').update('abc');
    expect(d.digest()).toBe(ABC.sha256);
    expect(d.digest()).toBe(ABC.sha256);
    expect(() => d.update('more')).toThrow(expect.objectContaining({ code: 'REGCTL_INTERNAL' }));
  });

  it('refuses an unsupported algorithm', () => {
    expect(() => createDigester('md5' as DigestAlgorithm)).toThrow(
      expect.objectContaining({ code: 'REGCTL_UNSUPPORTED', message: 'unsupported digest algorithm: md5' }),
    );
  });
});
