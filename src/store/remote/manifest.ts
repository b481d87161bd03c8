// Manifest GET/HEAD against a registry: exact bytes, capped size, digest verified.
import { DigestMismatchError, RegctlError } from '../../errors.js';
import { DIGEST_HEX_LENGTHS, digestOf, parseDigest, type DigestAlgorithm } from '../../oci/digest.js';
import { MANIFEST_ACCEPT, baseMediaType } from '../../oci/media-types.js';
import type { Reference } from '../../reference/parse.js';
import { parseRateLimit, type RateLimit } from '../../transport/rate-limit.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { repositoryScope } from '../../transport/scope.js';
import type { RemoteRegistry } from './remote-registry.js';
import type { ManifestResult } from '../backend.js';

export type { ManifestResult } from '../backend.js';

/** distribution refuses manifests over 4 MiB; so do we, before reading more. */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface ManifestHead {
  /** Undefined when the registry sent no Docker-Content-Digest. */
  digest: string | undefined;
  mediaType: string | undefined;
  size: number | undefined;
  /** Docker Hub's quota headers on this response, if any (a HEAD does not spend a pull). */
  rateLimit?: RateLimit;
}

function manifestPath(ref: Reference): string {
  return `/v2/${ref.repository}/manifests/${ref.identifier()}`;
}

export async function getManifest(
  remote: RemoteRegistry,
  ref: Reference,
  opts: { signal?: AbortSignal; accept?: readonly string[] } = {},
): Promise<ManifestResult> {
  return (await getManifestWithEtag(remote, ref, opts)).manifest;
}

/**
 * getManifest, plus the response's ETag: what a conditional PUT (If-Match) of a changed copy
 * names, so a registry that honours it refuses the PUT when someone else wrote in between.
 */
export async function getManifestWithEtag(
  remote: RemoteRegistry,
  ref: Reference,
  opts: { signal?: AbortSignal; accept?: readonly string[] } = {},
): Promise<{ manifest: ManifestResult; etag: string | undefined }> {
  // A read: the registry's mirrors (if any) may serve it; the digest check below covers them too.
  const res = await remote.read(
    ref.registry,
    {
      method: 'GET',
      path: manifestPath(ref),
      scopes: [repositoryScope(ref.repository, ['pull'])],
      headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(', ') },
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    (status) => status === 200,
  );
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MANIFEST_LIMIT) {
    await res.dump();
    throw new RegctlError('REGCTL_TOO_LARGE', `manifest for ${ref.familiar()} is ${declared} bytes, over the ${MANIFEST_LIMIT}-byte limit`);
  }
  const bytes = await res.bytes(MANIFEST_LIMIT).catch((err: unknown) => {
    // Only the size cap means "too large"; a connection dropped mid-body is reported as what it is.
    if (!(err instanceof RegctlError) || err.code !== 'REGCTL_TOO_LARGE') throw err;
    throw new RegctlError('REGCTL_TOO_LARGE', `manifest for ${ref.familiar()} exceeds the ${MANIFEST_LIMIT}-byte limit`, { cause: err });
  });
  // A pinned reference must get exactly the bytes it names; a tag is checked against the
  // digest the registry claims, so a corrupted response never passes silently.
  const expected = ref.digest ?? res.headers.get('docker-content-digest');
  const claimed = expected?.split(':')[0] ?? 'sha256';
  // An algorithm we do not know is not checked (the bytes are then named by their sha256).
  const known = Object.hasOwn(DIGEST_HEX_LENGTHS, claimed);
  const actual = digestOf(bytes, known ? (claimed as DigestAlgorithm) : 'sha256');
  if (expected && expected !== actual && known) {
    throw new DigestMismatchError(expected, actual, `manifest ${ref.familiar()}`);
  }
  const contentType = res.headers.get('content-type');
  const mediaType = mediaTypeOf(bytes, contentType);
  const disagreement = contentTypeDisagreement(mediaType, contentType);
  if (disagreement) remote.debug(`manifest ${ref.familiar()}: ${disagreement}`);
  return { manifest: { bytes, mediaType, digest: ref.digest ?? actual, size: bytes.length }, etag: res.headers.get('etag') };
}

/** The body's own mediaType wins over Content-Type (registries often send text/plain or json). */
function mediaTypeOf(bytes: Buffer, contentType: string | undefined): string {
  try {
    const mt = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    if (typeof mt === 'string' && mt) return mt;
  } catch {
    // parseManifest reports invalid JSON where the body is used.
  }
  return (contentType ?? '').split(';')[0]?.trim() ?? '';
}

/**
 * A Content-Type naming another manifest type than the body's own mediaType: the body wins
 * (it is what the digest covers), but a registry or proxy rewriting types is worth a --debug
 * line. Generic types (application/json, text/plain) name no manifest type and contradict nothing.
 */
export function contentTypeDisagreement(mediaType: string, contentType: string | undefined): string | undefined {
  const header = baseMediaType(contentType ?? '');
  if (!header || !MANIFEST_ACCEPT.includes(header) || header === baseMediaType(mediaType)) return undefined;
  return `Content-Type ${header} contradicts the body's mediaType ${mediaType}; using ${mediaType}`;
}

/** HEAD: the digest without a pull counted against Docker Hub's quota. */
export async function headManifest(
  remote: RemoteRegistry,
  ref: Reference,
  opts: { signal?: AbortSignal; accept?: readonly string[] } = {},
): Promise<ManifestHead> {
  const res = await remote.transport(ref.registry).request({
    method: 'HEAD',
    path: manifestPath(ref),
    scopes: [repositoryScope(ref.repository, ['pull'])],
    headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(', ') },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (res.status !== 200) throw await readRegistryError(res, 'HEAD', res.url);
  await res.dump();
  const len = res.headers.get('content-length');
  const rateLimit = parseRateLimit(res.headers);
  return {
    digest: res.headers.get('docker-content-digest'),
    mediaType: res.headers.get('content-type')?.split(';')[0]?.trim(),
    size: len === undefined ? undefined : Number(len),
    ...(rateLimit ? { rateLimit } : {}),
  };
}

export interface PutManifestOptions {
  signal?: AbortSignal;
  /** Conditional PUT: `{ ifMatch: etag }` or `{ ifNoneMatch: '*' }` (a registry that ignores them overwrites). */
  condition?: { ifMatch: string } | { ifNoneMatch: '*' };
}

export interface PutManifestResult {
  digest: string;
  size: number;
  /** The registry's OCI-Subject header: it indexed the manifest's subject itself (referrers API). */
  ociSubject?: string;
}

/**
 * PUT a manifest with its exact bytes and media type (as Content-Type), under a tag or its
 * digest. The digest the registry reports must be the digest of the bytes sent: a registry that
 * re-serialised them would leave references to a digest that does not exist.
 */
export async function putManifest(
  remote: RemoteRegistry,
  ref: Reference,
  bytes: Buffer,
  mediaType: string,
  opts: PutManifestOptions = {},
): Promise<PutManifestResult> {
  const digest = digestOf(bytes, ref.digest ? parseDigest(ref.digest).algorithm : 'sha256');
  if (ref.digest && ref.digest !== digest) throw new DigestMismatchError(ref.digest, digest, `manifest for ${ref.familiar()}`);
  const res = await remote.transport(ref.registry).request({
    method: 'PUT',
    path: manifestPath(ref),
    scopes: [repositoryScope(ref.repository, ['pull', 'push'])],
    headers: { 'content-type': mediaType, ...conditionHeaders(opts.condition) },
    body: bytes,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (res.status !== 201 && res.status !== 200 && res.status !== 202 && res.status !== 204) throw await readRegistryError(res, 'PUT', res.url);
  await res.dump();
  const stored = res.headers.get('docker-content-digest');
  if (stored && stored !== digest) throw new DigestMismatchError(digest, stored, `manifest ${ref.familiar()} as stored by the registry`);
  const ociSubject = res.headers.get('oci-subject');
  return { digest, size: bytes.length, ...(ociSubject ? { ociSubject } : {}) };
}

function conditionHeaders(condition: PutManifestOptions['condition']): Record<string, string> {
  if (!condition) return {};
  return 'ifMatch' in condition ? { 'if-match': condition.ifMatch } : { 'if-none-match': condition.ifNoneMatch };
}
