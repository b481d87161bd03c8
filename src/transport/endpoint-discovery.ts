// Finding a registry's endpoint once per process: HTTPS first, plain HTTP only where allowed
// (loopback or marked insecure, never after a certificate error on a secure registry), and
// the auth challenge `GET /v2/` answers with.
import { RegctlError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { findChallenge, parseChallenges, type Challenge } from './challenge.js';
import type { HttpClient } from './http.js';
import { isNoAnswer, isRetryableNetworkError, withRetry } from './retry.js';
import type { TlsOptions } from './tls.js';

export interface Endpoint {
  origin: string;
  tls: TlsOptions | undefined;
  challenge: Challenge | undefined;
}

export interface DiscoveryOptions {
  http: HttpClient;
  apiHost: string;
  allowHttp: boolean;
  insecure: boolean;
  tls?: () => Promise<TlsOptions | undefined>;
  userAgent: string;
  attempts?: number;
  /** A mirror URL names its scheme: `http` is used as given (no HTTPS attempt first). */
  scheme?: 'https' | 'http';
  debug?: (line: string) => void;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export function isCertificateError(err: unknown): boolean {
  const e = err as RegctlError & { errno?: string };
  return e?.code === 'REGCTL_TLS' && /CERT|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO|HOSTNAME|altnames/i.test(`${e.errno ?? ''} ${e.message}`);
}

export async function discoverEndpoint(registry: string, opts: DiscoveryOptions, signal?: AbortSignal): Promise<Endpoint> {
  // The reference grammar allows any digits as a port; a URL does not (a port over 65535).
  if (!URL.canParse(`https://${opts.apiHost}/v2/`)) {
    throw new RegctlError('REGCTL_INVALID_REFERENCE', `invalid reference format: ${registry} is not a valid registry host[:port]`);
  }
  const tls = await opts.tls?.();
  const httpsTls: TlsOptions | undefined = opts.insecure ? { ...tls, insecureSkipVerify: true } : tls;
  if (opts.scheme === 'http') return pingOrigin(opts, `http://${opts.apiHost}`, undefined, signal);
  try {
    return await pingOrigin(opts, `https://${opts.apiHost}`, httpsTls, signal);
  } catch (err) {
    if (!opts.allowHttp || (isCertificateError(err) && !opts.insecure)) {
      throw explainPingFailure(registry, err);
    }
    opts.debug?.(`https ping of ${opts.apiHost} failed (${(err as Error).message}); trying plain HTTP`);
    return pingOrigin(opts, `http://${opts.apiHost}`, undefined, signal);
  }
}

function explainPingFailure(registry: string, err: unknown): unknown {
  const e = err as RegctlError;
  if (e?.code === 'REGCTL_TLS' && /wrong version number|packet length too long/i.test(e.message)) {
    return new RegctlError('REGCTL_TLS', `${registry}: http: server gave HTTP response to HTTPS client`, {
      cause: err,
      hint: `if this registry is meant to be plain HTTP, pass --insecure-registry ${registry}`,
    });
  }
  if (isCertificateError(err)) {
    return new RegctlError('REGCTL_TLS', e.message, {
      cause: err,
      hint: `add the registry's CA as certs.d/${registry}/ca.crt (see README "TLS"), or pass --insecure-registry ${registry}`,
    });
  }
  return err;
}

async function pingOrigin(opts: DiscoveryOptions, origin: string, tls: TlsOptions | undefined, signal?: AbortSignal): Promise<Endpoint> {
  const url = `${origin}/v2/`;
  const res = await withRetry(
    () => opts.http.send({ method: 'GET', url, headers: { 'user-agent': opts.userAgent }, tls, signal }),
    {
      attempts: opts.attempts ?? 3,
      signal,
      shouldRetry: (err: unknown) => ({ retry: isRetryableNetworkError(err) && !isCertificateError(err) && !isNoAnswer(err) }),
      onRetry: opts.onRetry,
    },
  );
  opts.debug?.(`GET ${redactUrl(url)} -> ${res.status}`);
  await res.dump();
  const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
  const challenge = res.status === 401 ? (findChallenge(challenges, 'bearer') ?? findChallenge(challenges, 'basic')) : undefined;
  if (res.status >= 500) {
    throw new RegctlError('REGCTL_REGISTRY', `GET ${redactUrl(url)}: ${res.status} ${res.statusText}`);
  }
  return { origin, tls, challenge };
}
