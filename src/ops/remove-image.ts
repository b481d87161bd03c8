// `rmi`: untag, then delete what no image references any more, following the rules of
// docker's ImageDelete. A name removes that name (and, with the last tag of a repository, the
// repository's digest references); an image ID removes every name of the image, which needs
// `force` unless the names are one repository with at most one tag. Blobs go only when no
// remaining index.json entry reaches them (the store's GC), so shared layers stay. An untagged
// image (an unnamed entry) has no references: its ID removes it without -f, and an unnamed
// entry of an image goes with the image's last name.
import { RegctlError } from '../errors.js';
import { shortId } from '../oci/digest.js';
import type { Descriptor } from '../oci/manifest.js';
import { parseReference, type Reference } from '../reference/parse.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { entryRefs } from './image-summary.js';
import { findLocalImages, listLocalImages, resolveLocalImage, type LocalImage } from './local-image.js';
import { RESOLVED_DIGEST_ANNOTATION } from '../store/layout/image-names.js';

export interface RemoveImageResult {
  /** Names removed, docker's familiar form (`busybox:latest`, `busybox@sha256:...`), in output order. */
  untagged: string[];
  /** The image ID and layer digests whose blobs were deleted. */
  deleted: string[];
  /** Why garbage collection kept everything (an unreadable manifest), if it did. */
  gcDoubts: string[];
}

interface Plan {
  untagged: string[];
  /** Entries to drop from index.json, by name. */
  remove: string[];
  /** Entries to keep without their repository digest (a NAME@DIGEST reference given to rmi). */
  forgetDigest: string[];
}

type NamedImage = LocalImage & { name: string };
const isNamed = (image: LocalImage): image is NamedImage => image.name !== undefined;
const display = (image: NamedImage) => image.ref?.familiar() ?? image.name;
const repoOf = (image: NamedImage) => image.ref?.name() ?? image.name;
const isTag = (image: LocalImage) => !image.ref?.digest;

/** docker's isSingleReference: one repository, at most one tag. */
function isSingleReference(entries: readonly NamedImage[]): boolean {
  const refs: { repo: string; canonical: boolean }[] = [];
  for (const e of entries) {
    const { digest } = entryRefs(e);
    refs.push({ repo: repoOf(e), canonical: !isTag(e) });
    if (digest && isTag(e)) refs.push({ repo: repoOf(e), canonical: true });
  }
  if (refs.length <= 1) return refs.length === 1;
  if (refs.filter((r) => !r.canonical).length > 1) return false;
  return new Set(refs.map((r) => r.repo)).size === 1;
}

/** Every reference of the image, sorted as docker's reference store lists them. */
function allReferences(entries: readonly NamedImage[]): string[] {
  const names = new Set<string>();
  for (const e of entries) {
    names.add(display(e));
    const { digest } = entryRefs(e);
    if (digest) names.add(digest.familiar());
  }
  return [...names].sort();
}

function planByName(entry: NamedImage, input: Reference | undefined, siblings: readonly NamedImage[]): Plan {
  // `rmi busybox@sha256:...` naming the digest a tagged entry was pulled by: forget that digest only.
  if (input?.digest && entry.name !== `${input.name()}@${input.digest}`) {
    const holders = siblings.filter((s) => s.ref?.name() === input.name() && s.repoDigest === input.digest && isTag(s));
    return { untagged: [`${input.familiarName()}@${input.digest}`], remove: [], forgetDigest: holders.map((h) => h.name) };
  }
  const plan: Plan = { untagged: [display(entry)], remove: [entry.name], forgetDigest: [] };
  const sameRepo = siblings.filter((s) => s !== entry && repoOf(s) === repoOf(entry));
  // The last tag of a repository takes the repository's digest references with it.
  if (isTag(entry) && entry.ref && !sameRepo.some(isTag)) {
    const digests = new Set<string>();
    if (entry.repoDigest) digests.add(`${entry.ref.familiarName()}@${entry.repoDigest}`);
    for (const s of sameRepo) {
      digests.add(display(s));
      plan.remove.push(s.name);
    }
    plan.untagged.push(...digests);
  }
  return plan;
}

function planById(entries: readonly NamedImage[], id: string, force: boolean): Plan {
  // No name at all (an untagged image): nothing to untag, nothing to force.
  if (entries.length > 0 && !force && !isSingleReference(entries)) {
    throw new RegctlError('REGCTL_USAGE', `conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`, {
      hint: 'remove the names one by one, or use -f to remove every name and the image',
    });
  }
  return { untagged: allReferences(entries), remove: entries.map((e) => e.name), forgetDigest: [] };
}

function parseOrUndefined(input: string): Reference | undefined {
  try {
    return parseReference(input);
  } catch {
    return undefined;
  }
}

function withoutRepoDigest(d: Descriptor): Descriptor {
  const annotations = { ...(d.annotations ?? {}) };
  delete annotations[RESOLVED_DIGEST_ANNOTATION];
  return { ...d, annotations };
}

/** Removes `input` (a name or an image ID prefix); REGCTL_NOT_FOUND `No such image: ...` when absent. */
export async function removeImage(store: LayoutStore, input: string, opts: { force?: boolean } = {}): Promise<RemoveImageResult> {
  const images = await listLocalImages(store);
  const found = (await findLocalImages(store, input, images)).byName;
  const byName = found && isNamed(found) ? found : undefined;
  const target = byName ?? (await resolveLocalImage(store, input, images));
  const siblings = images.filter((i) => i.id === target.id);
  const namedSiblings = siblings.filter(isNamed);
  const plan = byName ? planByName(byName, parseOrUndefined(input), namedSiblings) : planById(namedSiblings, target.id, !!opts.force);

  const left = await store.updateIndex((index) => {
    for (const name of plan.remove) index.remove(name);
    for (const name of plan.forgetDigest) {
      const entry = index.get(name);
      if (entry) index.put(entry.name, withoutRepoDigest(entry.descriptor));
    }
    const sameImage = new Set(namedSiblings.map((s) => s.name));
    const named = index.list().filter((s) => sameImage.has(s.name) || s.descriptor.digest === target.descriptor.digest).length;
    // The image's last name is gone: its untagged entries go too, or they would keep it alive.
    if (named === 0) for (const s of [target, ...siblings]) index.removeUnnamed(s.descriptor.digest);
    return named;
  });
  const result: RemoveImageResult = { untagged: plan.untagged, deleted: [], gcDoubts: [] };
  if (left > 0) return result;

  const gc = await store.gc();
  const removed = new Set(gc.removed);
  const candidates = new Set([target.id, ...siblings.flatMap((s) => s.layerDigests)]);
  result.deleted = [...candidates].filter((d) => removed.has(d));
  result.gcDoubts = gc.doubts;
  return result;
}
