// What refers to a manifest (distribution-spec 1.1, "Listing Referrers"): GET
// /v2/<name>/referrers/<digest>, an image index of descriptors across `Link` pages (paginate.ts,
// bounded, same origin only). A registry without the API answers 404 (distribution 2.8: a
// text/plain "404 page not found" from its router), or 200 with something that is no index
// (oras-go treats that as "no API" too); the list is then the index the referrers tag schema
// keeps (referrers-tag.ts), which clients maintain (referrers-index.ts). A tag there holding no
// index means no referrers, as the spec says; it is never an error.
import { RegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX, baseMediaType, isIndexMediaType } from '../../oci/media-types.js';
import type { Reference, Repository } from '../../reference/parse.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { repositoryScope } from '../../transport/scope.js';
import { MANIFEST_LIMIT } from './manifest.js';
import { walkPages } from './paginate.js';
import { isListedDescriptor, readTagSchemaIndex } from './referrers-tag.js';
import type { RemoteRegistry } from './remote-registry.js';

export interface ReferrersOptions {
  artifactType?: string;
  signal?: AbortSignal;
}

export interface ReferrersResult {
  descriptors: Descriptor[];
  /** Where the list came from: the registry's referrers API, or the referrers tag schema's index. */
  via: 'api' | 'tag-schema';
  /** The artifactType filter was applied (by the server: OCI-Filters-Applied, or by us). */
  filtered: boolean;
}

/** The registry has no referrers API here: the tag schema is asked instead. */
class NoReferrersApi extends Error {}

function filtersApplied(res: HttpResponse): boolean {
  return (res.headers.get('oci-filters-applied') ?? '')
    .split(',')
    .some((f) => f.trim().toLowerCase() === 'artifacttype');
}

/** One referrers page: an image index, or undefined when the body is none. */
function pageDescriptors(text: string): Descriptor[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { mediaType, manifests } = body as { mediaType?: unknown; manifests?: unknown };
  if (mediaType !== undefined && (typeof mediaType !== 'string' || !isIndexMediaType(mediaType))) return undefined;
  return Array.isArray(manifests) ? manifests.filter(isListedDescriptor) : undefined;
}

interface ApiListing {
  descriptors: Descriptor[];
  /** Every page said OCI-Filters-Applied: artifactType. */
  serverFiltered: boolean;
}

async function listByApi(remote: RemoteRegistry, subject: Reference & { digest: string }, opts: ReferrersOptions): Promise<ApiListing> {
  const what = `referrers of ${subject.familiar()}`;
  const query = opts.artifactType ? `?artifactType=${encodeURIComponent(opts.artifactType)}` : '';
  let serverFiltered = true;
  const descriptors = await walkPages<Descriptor>(remote.transport(subject.registry), {
    first: `/v2/${subject.repository}/referrers/${subject.digest}${query}`,
    scopes: [repositoryScope(subject.repository, ['pull'])],
    what,
    noun: 'descriptors',
    headers: { accept: OCI_IMAGE_INDEX },
    // A page is an image index: what a registry must accept as a manifest bounds it too.
    pageLimitBytes: MANIFEST_LIMIT,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onFailure: async (res, page) => {
      if (res.status === 404 && page === 1) {
        await res.dump();
        throw new NoReferrersApi(`GET referrers: 404`);
      }
    },
    parse(text, res, page) {
      const found = pageDescriptors(text);
      if (!found) {
        if (page === 1) throw new NoReferrersApi(`GET referrers: 200 with ${res.headers.get('content-type') ?? 'no Content-Type'}, not an image index`);
        throw new RegctlError('REGCTL_REGISTRY', `${what}: page ${page} is not an image index`);
      }
      if (!filtersApplied(res)) serverFiltered = false;
      return found;
    },
    key: (d) => d.digest,
  });
  return { descriptors, serverFiltered };
}

/** The descriptors of the subject's tag-schema index (none when there is no index there). */
async function listByTagSchema(remote: RemoteRegistry, subject: Reference & { digest: string }, opts: ReferrersOptions): Promise<Descriptor[]> {
  const index = await readTagSchemaIndex(remote, subject, subject.digest, opts.signal ? { signal: opts.signal } : {});
  if (index.state === 'missing') return [];
  if (index.state === 'not-an-index') {
    remote.debug(`${index.tag.familiar()}: ${index.why}; no referrers listed from it`);
    return [];
  }
  const seen = new Set<string>();
  return index.descriptors.filter((d) => !seen.has(d.digest) && seen.add(d.digest));
}

function hasDigest(ref: Reference): ref is Reference & { digest: string } {
  return ref.digest !== undefined;
}

/** `subject` must carry a digest. */
export async function listReferrers(remote: RemoteRegistry, subject: Reference, opts: ReferrersOptions = {}): Promise<ReferrersResult> {
  if (!hasDigest(subject)) throw new RegctlError('REGCTL_USAGE', `${subject.familiar()}: listing referrers needs the subject's digest (NAME@sha256:...)`);
  const artifactType = opts.artifactType || undefined;
  const keep = (ds: Descriptor[]) => (artifactType === undefined ? ds : ds.filter((d) => d.artifactType === artifactType));
  try {
    const { descriptors, serverFiltered } = await listByApi(remote, subject, { ...opts, ...(artifactType ? { artifactType } : {}) });
    if (artifactType !== undefined && !serverFiltered) remote.debug(`${subject.familiar()}: the registry did not apply the artifactType filter; filtered here`);
    return { descriptors: serverFiltered ? descriptors : keep(descriptors), via: 'api', filtered: artifactType !== undefined };
  } catch (err) {
    if (!(err instanceof NoReferrersApi)) throw err;
    remote.debug(`${subject.registry}: no referrers API (${err.message}); reading the referrers tag schema`);
  }
  return { descriptors: keep(await listByTagSchema(remote, subject, opts)), via: 'tag-schema', filtered: artifactType !== undefined };
}

/**
 * Whether the registry answers the referrers API for `subject` in `repo` (any 200 index), as
 * the spec's delete rule asks: a 404 there means clients keep the tag-schema index.
 */
export async function hasReferrersApi(remote: RemoteRegistry, repo: Repository, subject: string, opts: { signal?: AbortSignal } = {}): Promise<boolean> {
  const res = await remote.transport(repo.registry).request({
    method: 'GET',
    path: `/v2/${repo.repository}/referrers/${subject}`,
    scopes: [repositoryScope(repo.repository, ['pull'])],
    headers: { accept: OCI_IMAGE_INDEX },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (res.status === 404) {
    await res.dump();
    return false;
  }
  if (res.status !== 200) throw await readRegistryError(res, 'GET', res.url);
  if (baseMediaType(res.headers.get('content-type') ?? '') === OCI_IMAGE_INDEX) {
    await res.dump();
    return true;
  }
  // Another Content-Type: an index body still counts, anything else is no API (as when listing).
  const text = await res.text(MANIFEST_LIMIT).catch(() => '');
  return pageDescriptors(text) !== undefined;
}
