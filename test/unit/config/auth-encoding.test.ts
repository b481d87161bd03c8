import { describe, expect, it } from 'vitest';
import { decodeAuth, encodeAuth } from '../../../src/config/credentials/auth-encoding.js';

describe('auth encoding (base64 user:password)', () => {
  it.each([
    ['alice', 'secret'],
    ['alice', 'pa:ss:word'],
    ['alice', ':leading-colon'],
    ['alice', ''],
    ['ünï', 'pässwörd€'],
  ])('round-trips %s / %s, splitting at the first colon', (username, password) => {
    expect(decodeAuth(encodeAuth(username, password))).toEqual({ username, password });
  });

  it('reads what docker writes', () => {
    expect(encodeAuth('david', 'passw0rd1')).toBe('ZGF2aWQ6cGFzc3cwcmQx');
    expect(decodeAuth('dXNlcjpwYTpzcw==')).toEqual({ username: 'user', password: 'pa:ss' });
  });

  it('accepts unpadded and line-wrapped base64 and trims NUL padding', () => {
    expect(decodeAuth('dXNlcjpwYTpzcw')).toEqual({ username: 'user', password: 'pa:ss' });
    expect(decodeAuth('dXNlcjpw\nYTpzcw==')).toEqual({ username: 'user', password: 'pa:ss' });
    expect(decodeAuth(Buffer.from('user:pw\0\0').toString('base64'))).toEqual({ username: 'user', password: 'pw' });
  });

  it('rejects values that are not base64 user:password', () => {
    expect(decodeAuth('not base64!')).toBeUndefined();
    expect(decodeAuth(Buffer.from('no-colon').toString('base64'))).toBeUndefined();
    expect(decodeAuth(Buffer.from(':empty-user').toString('base64'))).toBeUndefined();
  });

  it('writes nothing for empty credentials', () => {
    expect(encodeAuth('', '')).toBe('');
  });
});
