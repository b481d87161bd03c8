import { describe, expect, it } from 'vitest';
import { proxyFor, proxySettingsFrom } from '../../../src/transport/proxy-env.js';

const env = (noProxy: string) => proxySettingsFrom({ HTTP_PROXY: 'http://proxy:3128', HTTPS_PROXY: 'http://sproxy:3128', NO_PROXY: noProxy });
const via = (url: string, noProxy = '') => proxyFor(new URL(url), env(noProxy))?.host;

describe('proxy selection from the environment', () => {
  it('uses HTTP_PROXY for http:// and HTTPS_PROXY for https://', () => {
    expect(via('http://reg.example:5000/v2/')).toBe('proxy:3128');
    expect(via('https://reg.example/v2/')).toBe('sproxy:3128');
  });

  it('prefers the lower-case variables and reads a bare host:port as an HTTP proxy', () => {
    const s = proxySettingsFrom({ https_proxy: 'lower:8080', HTTPS_PROXY: 'http://upper:1' });
    expect(proxyFor(new URL('https://r.example/'), s)?.href).toBe('http://lower:8080/');
  });

  it('goes direct when no proxy is set', () => {
    expect(proxyFor(new URL('https://r.example/'), proxySettingsFrom({}))).toBeUndefined();
  });

  it.each([
    ['*', 'https://anything.example/', true],
    ['reg.example', 'https://reg.example/', true],
    ['reg.example', 'https://eu.reg.example/', true],
    ['reg.example', 'https://notreg.example/', false],
    ['.reg.example', 'https://reg.example/', false],
    ['.reg.example', 'https://eu.reg.example/', true],
    ['*.reg.example', 'https://eu.reg.example/', true],
    ['reg.example:5000', 'http://reg.example:5000/', true],
    ['reg.example:5000', 'http://reg.example:5001/', false],
    ['other.example, 127.0.0.1', 'http://127.0.0.1:5000/', true],
    ['10.0.0.0/8', 'http://10.1.2.3:5000/', true],
    ['10.0.0.0/8', 'http://11.1.2.3:5000/', false],
    ['::1', 'http://[::1]:5000/', true],
    ['fd00::/8', 'https://[fd12::1]/', true],
    ['REG.EXAMPLE', 'https://reg.example/', true],
  ])('NO_PROXY=%j bypasses %s: %s', (noProxy, url, bypassed) => {
    expect(via(url, noProxy) === undefined).toBe(bypassed);
  });
});
