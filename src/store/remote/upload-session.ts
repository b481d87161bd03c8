// The distribution upload protocol, one request per function: start (optionally as a
// cross-repository mount), status, PATCH of a range, final PUT. Upload URLs are opaque: they
// are used exactly as the registry sent them (distribution signs its `_state` query), with
// relative ones resolved against the registry's origin.
import { DigestMismatchError, RegctlError } from '../../errors.js';
import type { Repository } from '../../reference/parse.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { expectStatus } from '../../transport/registry-transport.js';
import { repositoryScope } from '../../transport/scope.js';
import type { RemoteRegistry } from './remote-registry.js';
import type { UploadBody } from './upload-body.js';

export interface UploadTarget {
  remote: RemoteRegistry;
  repo: Repository;
  signal?: AbortSignal;
}

export type StartResult = { kind: 'mounted' } | { kind: 'session'; location: string };

export interface UploadState {
  location: string;
  /** Bytes the registry holds; the next byte to send. */
  offset: number;
}

/** pull,push on the destination: every request of a push uses this one token. */
export function pushScopes(repo: Repository): string[] {
  return [repositoryScope(repo.repository, ['pull', 'push'])];
}

function signalOf(t: UploadTarget): { signal?: AbortSignal } {
  return t.signal ? { signal: t.signal } : {};
}

/** Absolute URL of a Location header; relative ones resolve against the registry origin. */
export async function resolveLocation(t: UploadTarget, res: HttpResponse, method: string): Promise<string> {
  const location = res.headers.get('location');
  if (!location) throw new RegctlError('REGCTL_REGISTRY', `${method} ${res.url}: the registry sent no upload Location`);
  const base = /^https?:\/\//.test(res.url) ? res.url : `${await t.remote.transport(t.repo.registry).origin(t.signal)}/`;
  return new URL(location, base).toString();
}

/** `Range: 0-N` (or `bytes=0-N`) as the next offset. distribution says `0-0` for an empty upload. */
export function offsetFromRange(range: string | undefined): number | undefined {
  if (range === undefined) return undefined;
  const m = /^(?:bytes=)?(\d+)-(\d+)$/.exec(range.trim());
  if (!m || Number(m[1]) !== 0) return undefined;
  const end = Number(m[2]);
  return end === 0 ? 0 : end + 1;
}

function withDigest(location: string, digest: string): string {
  // Appended as text: re-serialising the query could alter a signed `_state` value.
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

/**
 * POST .../blobs/uploads/, as a mount of `digest` from `from` (a repository path on the same
 * registry) when given. 201 = mounted; 202 = an upload session (also when the registry could
 * not mount). A refused mount (401/403/404...) is returned as undefined so the caller can fall
 * back; a refused plain start throws the registry's error.
 */
export async function startUpload(t: UploadTarget, mount?: { digest: string; from: string }): Promise<StartResult | undefined> {
  const query = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : '';
  const scopes = mount ? [...pushScopes(t.repo), repositoryScope(mount.from, ['pull'])] : pushScopes(t.repo);
  const res = await t.remote.transport(t.repo.registry).request({
    method: 'POST',
    path: `/v2/${t.repo.repository}/blobs/uploads/${query}`,
    scopes,
    headers: { 'content-length': '0' },
    ...signalOf(t),
  });
  if (res.status === 201 && mount) {
    await res.dump();
    return { kind: 'mounted' };
  }
  if (res.status === 202) {
    await res.dump();
    return { kind: 'session', location: await resolveLocation(t, res, 'POST') };
  }
  if (mount && res.status >= 400 && res.status < 500) {
    await res.dump();
    return undefined;
  }
  throw await readRegistryError(res, 'POST', res.url);
}

/** GET <upload URL>: where the registry stands; undefined when it no longer knows the session. */
export async function uploadStatus(t: UploadTarget, location: string): Promise<UploadState | undefined> {
  const res = await t.remote.transport(t.repo.registry).request({ method: 'GET', path: location, scopes: pushScopes(t.repo), ...signalOf(t) });
  if (res.status !== 204 && res.status !== 200 && res.status !== 202) {
    await res.dump();
    return undefined;
  }
  await res.dump();
  const offset = offsetFromRange(res.headers.get('range'));
  if (offset === undefined) return undefined;
  return { location: res.headers.get('location') ? await resolveLocation(t, res, 'GET') : location, offset };
}

/** A response that is neither success nor 413, as the registry's error. */
async function fail(res: HttpResponse, method: string): Promise<never> {
  throw await readRegistryError(res, method, res.url);
}

/** PATCH one range; `tooLarge` when the registry (or a proxy) answered 413. */
export async function patchRange(t: UploadTarget, location: string, body: UploadBody): Promise<UploadState | 'tooLarge'> {
  const res = await t.remote.transport(t.repo.registry).request({
    method: 'PATCH',
    path: location,
    scopes: pushScopes(t.repo),
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'content-range': `${body.start}-${body.end - 1}`,
    },
    body,
    ...signalOf(t),
  });
  if (res.status === 413) {
    await res.dump();
    return 'tooLarge';
  }
  if (res.status !== 202 && res.status !== 204) return fail(res, 'PATCH');
  await res.dump();
  const next = res.headers.get('location') ? await resolveLocation(t, res, 'PATCH') : location;
  return { location: next, offset: offsetFromRange(res.headers.get('range')) ?? body.end };
}

/**
 * PUT <upload URL>?digest=: with the whole blob (monolithic) or empty after PATCHes. Checks
 * the digest the registry reports. `tooLarge` on 413.
 */
export async function completeUpload(t: UploadTarget, location: string, digest: string, body?: UploadBody): Promise<'done' | 'tooLarge'> {
  const res = await t.remote.transport(t.repo.registry).request({
    method: 'PUT',
    path: withDigest(location, digest),
    scopes: pushScopes(t.repo),
    headers: body ? { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } : { 'content-length': '0' },
    ...(body ? { body } : {}),
    ...signalOf(t),
  });
  if (res.status === 413) {
    await res.dump();
    return 'tooLarge';
  }
  await expectStatus(res, 'PUT', 201, 204);
  await res.dump();
  const stored = res.headers.get('docker-content-digest');
  if (stored && stored !== digest) throw new DigestMismatchError(digest, stored, `blob ${digest} as stored by the registry`);
  return 'done';
}

/** HEAD .../blobs/<digest>: true when the repository has it. Errors (401, 5xx after retries, network) throw. */
export async function blobExists(t: UploadTarget, digest: string): Promise<boolean> {
  const res = await t.remote.transport(t.repo.registry).request({
    method: 'HEAD',
    path: `/v2/${t.repo.repository}/blobs/${digest}`,
    scopes: pushScopes(t.repo),
    ...signalOf(t),
  });
  if (res.status === 200) {
    await res.dump();
    return true;
  }
  if (res.status === 404) {
    await res.dump();
    return false;
  }
  return fail(res, 'HEAD');
}
