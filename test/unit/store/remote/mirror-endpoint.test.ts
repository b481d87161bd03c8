import { describe, expect, it } from 'vitest';
import { parseMirrorUrl } from '../../../../src/store/remote/mirror-endpoint.js';

describe('parseMirrorUrl', () => {
  it('keeps the origin and scheme (a trailing slash is fine)', () => {
    expect(parseMirrorUrl('http://127.0.0.1:5001/')).toEqual({ url: 'http://127.0.0.1:5001', host: '127.0.0.1:5001', scheme: 'http' });
    expect(parseMirrorUrl(' https://Mirror.Example.com ')).toEqual({ url: 'https://mirror.example.com', host: 'mirror.example.com', scheme: 'https' });
  });

  it('refuses a path prefix, a query, a missing scheme and credentials (without echoing them)', () => {
    expect(() => parseMirrorUrl('https://m.example/dockerhub')).toThrow(/cannot carry a path, query or fragment/);
    expect(() => parseMirrorUrl('https://m.example/?x=1')).toThrow(/cannot carry a path/);
    expect(() => parseMirrorUrl('m.example:5000')).toThrow(/must start with http:\/\/ or https:\/\//);
    let message = '';
    try {
      parseMirrorUrl('https://user:s3cret@m.example');
    } catch (err) {
      message = (err as Error).message;
      expect((err as { code: string }).code).toBe('REGCTL_CONFIG');
    }
    expect(message).toContain('credentials must not be part of the URL');
    expect(message).not.toContain('s3cret');
  });
});
