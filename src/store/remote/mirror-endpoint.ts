// A registry mirror as configured (`--registry-mirror`, daemon.json `registry-mirrors`,
// regctl's registries.json): an origin only. Like docker, a mirror serves the mirrored
// registry's own `/v2/` paths, so a path prefix, query or credentials in the URL are refused.
import { ConfigError } from '../../errors.js';

export interface MirrorEndpoint {
  /** Normalised origin, e.g. `http://127.0.0.1:5001` (also the label in messages). */
  url: string;
  /** host[:port], used for certs.d, insecure-registries and stored credentials. */
  host: string;
  scheme: 'http' | 'https';
}

export function parseMirrorUrl(raw: string): MirrorEndpoint {
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) {
    throw new ConfigError(`invalid registry mirror "${text}": the URL must start with http:// or https://`, {
      hint: 'e.g. --registry-mirror https://mirror.example.com or http://127.0.0.1:5001',
    });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`invalid registry mirror "${text}": not a URL`);
  }
  if (url.username || url.password) {
    // Never echo the URL back: it carries a secret.
    throw new ConfigError('invalid registry mirror: credentials must not be part of the URL', {
      hint: `store them with: regctl login ${url.host}`,
    });
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ConfigError(`invalid registry mirror "${text}": a mirror URL cannot carry a path, query or fragment`, {
      hint: `a mirror serves /v2/ at its root; use ${url.protocol}//${url.host}`,
    });
  }
  return { url: `${url.protocol}//${url.host}`, host: url.host, scheme: url.protocol === 'http:' ? 'http' : 'https' };
}
