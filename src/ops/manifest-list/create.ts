// `manifest create [--amend] LIST MANIFEST...` (docker/cli cli/command/manifest/create_list.go):
// a new local list, or with --amend more entries for an existing one. An entry the list already
// holds is kept as it is (annotations included), as docker reuses its local copy; others are
// fetched from their registry. Unlike docker, which saves each entry as it goes and leaves half
// a list behind when a later one fails, every entry is fetched before anything is written.
import { ManifestListError, isRegctlError } from '../../errors.js';
import type { StoredManifest } from '../../config/manifest-list-entry.js';
import type { ManifestListStore } from '../../config/manifest-list-store.js';
import type { Reference } from '../../reference/parse.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { fetchListEntry } from './fetch-entry.js';
import { parseNamed } from './parse-names.js';

export interface CreateManifestListOptions {
  /** Add to an existing list instead of refusing (docker's --amend). */
  amend?: boolean;
  signal?: AbortSignal;
}

export interface CreatedManifestList {
  /** The list's full reference (`docker.io/user/app:latest`). */
  list: string;
  /** Every entry the list now holds, in push order. */
  entries: StoredManifest[];
}

export interface ManifestListDeps {
  store: ManifestListStore;
  remote: () => Promise<RemoteRegistry>;
}

const isNotFound = (err: unknown) => isRegctlError(err) && err.code === 'REGCTL_NOT_FOUND';

async function existingEntry(store: ManifestListStore, list: Reference, ref: Reference): Promise<StoredManifest | undefined> {
  try {
    const entry = await store.get(list, ref);
    // docker refetches an entry stored without its raw bytes (files of docker before 24).
    return entry.raw ? entry : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function createManifestList(
  deps: ManifestListDeps,
  listInput: string,
  manifestInputs: readonly string[],
  opts: CreateManifestListOptions = {},
): Promise<CreatedManifestList> {
  const list = parseNamed(listInput, `error parsing name for manifest list ${listInput}`);
  const exists = await deps.store.getList(list).then(() => true, (err: unknown) => {
    if (isNotFound(err)) return false;
    throw err;
  });
  if (exists && !opts.amend) {
    throw new ManifestListError('REGCTL_USAGE', 'list-exists', 'refusing to amend an existing manifest list with no --amend flag');
  }
  const refs = manifestInputs.map((input) => parseNamed(input));
  const fetched: { ref: Reference; entry: StoredManifest }[] = [];
  for (const ref of refs) {
    const entry = (await existingEntry(deps.store, list, ref)) ?? (await fetchListEntry(await deps.remote(), ref, opts));
    fetched.push({ ref, entry });
  }
  for (const { ref, entry } of fetched) await deps.store.save(list, ref, entry);
  return { list: list.toString(), entries: await deps.store.getList(list) };
}
