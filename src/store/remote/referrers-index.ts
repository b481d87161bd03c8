// Keeping the referrers tag schema's index where the registry does not (distribution-spec 1.1,
// "Pushing Manifests with Subject", "Deleting Manifests"): a manifest with a `subject` pushed to a
// registry that did not answer OCI-Subject gets its descriptor (oci/referrers.ts) added to the
// subject's `<alg>-<hex>` index; deleting it takes the entry out again. The rest of the index
// (other tools' entries, its own fields) is kept as it was read.
//
// The update is read-modify-write on a tag, and distribution 2.8 has no conditional PUT (it
// ignores If-Match and If-None-Match), so two clients attaching to one subject at the same time
// can overwrite each other. What is done about it:
// - in this process, updates of one tag through one RemoteRegistry run one at a time;
// - the PUT is conditional (If-Match with the ETag read, If-None-Match: * for a new index), so a
//   registry that honours it refuses a stale write (412) and we merge again;
// - where it is not honoured, the tag is read again after the write, every twice-as-long-as-our-
//   own-read-and-write, until one such wait passes with no write by anyone (a concurrent writer
//   that read before our write has written by then, so a lost entry shows); when our change is
//   not there the merge is redone, a few times, with random waits so that contending clients
//   fall out of step.
// That keeps concurrent attaches from losing entries in practice, but is no guarantee: a writer
// slower than the wait can still overwrite the check. Only the referrers API is race-free.
import { RegctlError } from '../../errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import { OCI_IMAGE_INDEX } from '../../oci/media-types.js';
import { referrerOf, type ManifestBody } from '../../oci/referrers.js';
import type { Reference, Repository } from '../../reference/parse.js';
import type { RegistryError } from '../../transport/registry-error.js';
import { sleep } from '../../transport/retry.js';
import { deleteReference } from './delete-reference.js';
import { MANIFEST_LIMIT, putManifest, type PutManifestOptions, type PutManifestResult } from './manifest.js';
import { readTagSchemaIndex, tagSchemaRef, type TagSchemaIndex } from './referrers-tag.js';
import type { RemoteRegistry } from './remote-registry.js';

/** Read-modify-write rounds before giving up. */
export const INDEX_UPDATE_ATTEMPTS = 8;
/** Shortest wait before a read that checks a write (the wait is twice the write's own time). */
const MIN_SETTLE_MS = 100;
/** Most reads watching a written change for a quiet interval before it counts as done. */
const MAX_CONFIRM_READS = 20;
const MAX_SETTLE_MS = 5_000;
/** Random wait between rounds: up to this times 2^round, capped. */
const BACKOFF_BASE_MS = 50;
const MAX_BACKOFF_MS = 3_000;

type Change = { op: 'add'; descriptor: Descriptor } | { op: 'remove'; digest: string };

interface Signal {
  signal?: AbortSignal;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const entryDigest = (entry: unknown): unknown => (isObject(entry) ? entry.digest : undefined);

/** In-process queues, per RemoteRegistry and tag: one update of a tag at a time. */
const queues = new WeakMap<RemoteRegistry, Map<string, Promise<unknown>>>();

async function oneAtATime<T>(remote: RemoteRegistry, key: string, work: () => Promise<T>): Promise<T> {
  let byTag = queues.get(remote);
  if (!byTag) queues.set(remote, (byTag = new Map()));
  const before = byTag.get(key) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(work);
  const settled = mine.catch(() => undefined);
  byTag.set(key, settled);
  try {
    return await mine;
  } finally {
    if (byTag.get(key) === settled) byTag.delete(key);
  }
}

function listed(index: TagSchemaIndex, digest: string): boolean {
  return index.state === 'index' && index.body.manifests.some((e) => entryDigest(e) === digest);
}

function applied(index: TagSchemaIndex, change: Change): boolean {
  return change.op === 'add' ? listed(index, change.descriptor.digest) : !listed(index, change.digest);
}

function notAnIndex(index: TagSchemaIndex & { state: 'not-an-index' }, change: Change): RegctlError {
  const what = change.op === 'add' ? `${change.descriptor.digest} was not added to it` : `${change.digest} was not removed from it`;
  return new RegctlError('REGCTL_REGISTRY', `${index.tag.familiar()} holds ${index.why}, where the referrers tag schema keeps an image index; ${what}`, {
    hint: 'that tag is reserved for the referrers list of the manifest it names; move what is there to another tag, then push again',
  });
}

/** Digests a 2.8-style MANIFEST_BLOB_UNKNOWN names: entries for manifests that were deleted. */
function unknownChildren(err: unknown): string[] {
  const errors = (err as Partial<RegistryError>).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e) => {
    if (e.code !== 'MANIFEST_BLOB_UNKNOWN') return [];
    const detail = e.detail;
    const digest = typeof detail === 'string' ? detail : isObject(detail) ? detail.digest : undefined;
    return typeof digest === 'string' ? [digest] : [];
  });
}

const isStatus = (err: unknown, status: number) => (err as { status?: unknown }).status === status;

/** The index after the change, or `empty` when a removal leaves nothing. */
function changed(index: TagSchemaIndex, change: Change, gone: ReadonlySet<string>): Record<string, unknown> | 'empty' {
  const body = index.state === 'index' ? index.body : { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: [] };
  const drop = change.op === 'remove' ? change.digest : undefined;
  const manifests = body.manifests.filter((e) => {
    const d = entryDigest(e);
    return typeof d !== 'string' || (d !== drop && !gone.has(d));
  });
  if (change.op === 'add') manifests.push(change.descriptor);
  else if (manifests.length === 0) return 'empty';
  return { ...body, manifests };
}

function condition(index: TagSchemaIndex): PutManifestOptions['condition'] {
  if (index.state === 'missing') return { ifNoneMatch: '*' };
  // A weak ETag never matches If-Match (strong comparison): sending it would only fail.
  if (index.state === 'index' && index.etag && !index.etag.startsWith('W/')) return { ifMatch: index.etag };
  return undefined;
}

/**
 * Writes the changed index under the tag: PUT, or for an emptied one DELETE of the old index.
 * 'conflict' when the registry says someone else wrote first (412 on a conditional PUT, 404 for
 * an old index already replaced and deleted).
 */
async function write(remote: RemoteRegistry, tag: Reference, index: TagSchemaIndex, next: Record<string, unknown> | 'empty', opts: Signal): Promise<'written' | 'conflict'> {
  if (next === 'empty' && index.state === 'missing') return 'written';
  if (next === 'empty' && index.state === 'index') {
    // As oras-go does: the emptied index goes, and the tag with it (by digest, so any other tag
    // on those very bytes would go too; the entries name this subject's referrers, so no other
    // subject's index has them). Only where deletes are off is an empty index put in its place
    // (as regclient falls back to).
    try {
      await deleteReference(remote, tag.withDigest(index.digest), opts);
      return 'written';
    } catch (err) {
      if (isStatus(err, 404)) return 'conflict';
      if ((err as { code?: unknown }).code !== 'REGCTL_UNSUPPORTED') throw err;
      remote.debug(`${tag.familiar()}: deletes are off; putting an empty index there instead`);
    }
  }
  const body = next === 'empty' ? { ...(index.state === 'index' ? index.body : {}), manifests: [] } : next;
  const bytes = Buffer.from(JSON.stringify(body));
  if (bytes.length > MANIFEST_LIMIT) {
    throw new RegctlError('REGCTL_TOO_LARGE', `${tag.familiar()}: the referrers index would be ${bytes.length} bytes, over the ${MANIFEST_LIMIT}-byte manifest limit`);
  }
  const mediaType = typeof body.mediaType === 'string' && body.mediaType !== '' ? body.mediaType : OCI_IMAGE_INDEX;
  const when = condition(index);
  try {
    await putManifest(remote, tag, bytes, mediaType, { ...opts, ...(when ? { condition: when } : {}) });
  } catch (err) {
    if (isStatus(err, 412)) return 'conflict';
    throw err;
  }
  return 'written';
}

/** One write of the changed index; entries the registry refuses as unknown go into `gone`. */
async function attempt(remote: RemoteRegistry, tag: Reference, index: TagSchemaIndex, change: Change, gone: Set<string>, opts: Signal): Promise<'written' | 'conflict' | 'pruned'> {
  try {
    return await write(remote, tag, index, changed(index, change, gone), opts);
  } catch (err) {
    const unknown = unknownChildren(err).filter((d) => listed(index, d) && !(change.op === 'add' && d === change.descriptor.digest));
    if (unknown.length === 0) throw err;
    for (const d of unknown) gone.add(d);
    remote.debug(`${tag.familiar()}: dropping entries for manifests the registry no longer has: ${unknown.join(', ')}`);
    return 'pruned';
  }
}

/** Which version of the index a read saw: its digest, or that there was none. */
const versionOf = (index: TagSchemaIndex) => (index.state === 'index' ? index.digest : index.state);

/**
 * Our change is still in the index, and stayed through one whole wait (twice our own
 * read-and-write time) in which nobody wrote: while other clients keep writing, it is watched
 * on, since any of their writes may be one based on a read from before ours.
 */
async function confirmed(remote: RemoteRegistry, repo: Repository, subject: string, change: Change, cycleMs: number, opts: Signal): Promise<boolean> {
  const settle = Math.min(MAX_SETTLE_MS, Math.max(MIN_SETTLE_MS, 2 * cycleMs));
  let seen: string | undefined;
  for (let i = 0; i < MAX_CONFIRM_READS; i++) {
    await sleep(settle, opts.signal);
    const index = await readTagSchemaIndex(remote, repo, subject, opts);
    if (!applied(index, change)) return false;
    if (versionOf(index) === seen) return true;
    seen = versionOf(index);
  }
  // Still there after this long a watch: the writers that keep going started after our write.
  return true;
}

async function update(remote: RemoteRegistry, repo: Repository, subject: string, change: Change, opts: Signal): Promise<void> {
  const tag = tagSchemaRef(repo, subject);
  await oneAtATime(remote, tag.toString(), async () => {
    // Entries the registry refused as unknown manifests (deleted without their entry going too):
    // distribution refuses an index naming them, so they cannot be kept.
    const gone = new Set<string>();
    for (let round = 1; ; round++) {
      const started = performance.now();
      const index = await readTagSchemaIndex(remote, repo, subject, opts);
      if (index.state === 'not-an-index') throw notAnIndex(index, change);
      // Already there before any write of ours: nothing to do (pushed again). After one: another
      // client's write carried our change, and can be overwritten as ours can; confirmed the same.
      if (applied(index, change) && round === 1) return;
      const outcome = applied(index, change) ? 'written' : await attempt(remote, tag, index, change, gone, opts);
      if (outcome === 'written') {
        if (await confirmed(remote, repo, subject, change, performance.now() - started, opts)) return;
        remote.debug(`${tag.familiar()}: another client wrote the index at the same time; merging again (round ${round})`);
      }
      if (round >= INDEX_UPDATE_ATTEMPTS) {
        const what = change.op === 'add' ? `add ${change.descriptor.digest} to` : `remove ${change.digest} from`;
        throw new RegctlError('REGCTL_REGISTRY', `${tag.familiar()}: could not ${what} the referrers index after ${round} rounds: other clients kept rewriting it`, {
          hint: 'run the push (or delete) again once the other clients are done',
        });
      }
      // Pruning is a change of its own, not a contention: the next round starts at once.
      if (outcome === 'pruned') continue;
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, BACKOFF_BASE_MS * 2 ** round), opts.signal);
    }
  });
}

/** Adds `descriptor` (a manifest whose subject is `subject`) to the subject's tag-schema index in `repo`, unless listed. */
export async function addToReferrersIndex(remote: RemoteRegistry, repo: Repository, subject: string, descriptor: Descriptor, opts: Signal = {}): Promise<void> {
  await update(remote, repo, subject, { op: 'add', descriptor }, opts);
}

/**
 * Takes `referrerDigest` out of the tag-schema index of `subjectDigest` in `repo`'s repository;
 * an index left empty is deleted (its tag goes with it). Nothing to do when it is not listed.
 */
export async function removeFromReferrersIndex(
  remote: RemoteRegistry,
  repo: Reference,
  subjectDigest: string,
  referrerDigest: string,
  opts: { signal?: AbortSignal } = {},
): Promise<void> {
  await update(remote, repo, subjectDigest, { op: 'remove', digest: referrerDigest }, opts);
}

/** The subject and descriptor of manifest bytes; undefined for no subject or bytes that are no JSON object. */
export function referrerOfBytes(bytes: Buffer, mediaType: string, digest: string): ReturnType<typeof referrerOf> {
  // Most manifests have no subject: skip the parse for them.
  if (!bytes.includes('"subject"')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return isObject(body) ? referrerOf(body as ManifestBody, mediaType, digest, bytes.length) : undefined;
}

/**
 * putManifest, and for a manifest with a `subject` that the registry did not index (no
 * OCI-Subject in its answer), the subject's tag-schema index updated to list it. Every manifest
 * a transfer writes to a registry goes through here (image-destination.ts).
 */
export async function putManifestWithReferrer(
  remote: RemoteRegistry,
  ref: Reference,
  bytes: Buffer,
  mediaType: string,
  opts: Signal = {},
): Promise<PutManifestResult> {
  const put = await putManifest(remote, ref, bytes, mediaType, opts);
  const referrer = referrerOfBytes(bytes, mediaType, put.digest);
  if (!referrer) return put;
  if (put.ociSubject === referrer.subject) return put;
  if (put.ociSubject) remote.debug(`${ref.familiar()}: OCI-Subject ${put.ociSubject} is not the manifest's subject ${referrer.subject}; keeping the tag-schema index too`);
  else remote.debug(`${ref.registry}: no OCI-Subject in the answer; recording ${put.digest} in the referrers tag schema index of ${referrer.subject}`);
  await addToReferrersIndex(remote, ref, referrer.subject, referrer.descriptor, opts);
  return put;
}
