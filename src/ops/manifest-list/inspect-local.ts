// `manifest inspect` of a local list (docker/cli cli/command/manifest/inspect.go, which looks in
// the local store before the registry): the list exactly as `manifest push` would send it, or
// with --verbose the stored entries themselves, each as docker marshals its ImageManifest. And
// `manifest inspect LIST MANIFEST`: one stored entry's manifest.
import { RegctlError, isRegctlError } from '../../errors.js';
import { encodeStoredManifest, type StoredManifest } from '../../config/manifest-list-entry.js';
import { goIndent } from '../../oci/go-json.js';
import { marshalManifestList } from '../../oci/manifest-list-json.js';
import type { Reference } from '../../reference/parse.js';
import { listEntryOf } from './push.js';

/** What docker prints for a local list (without its final newline). */
export function localListText(entries: readonly StoredManifest[], list: Reference, opts: { verbose?: boolean } = {}): string {
  if (opts.verbose) return goIndent(`[${entries.map(encodeStoredManifest).join(',')}]`, '\t');
  try {
    return marshalManifestList(entries.map((e) => listEntryOf(e, list))).bytes.toString('utf8');
  } catch (err) {
    if (!isRegctlError(err)) throw err;
    throw new RegctlError(err.code, `failed to assemble ManifestDescriptor: ${err.message}`, { cause: err });
  }
}

/** What docker prints for one entry of a local list (without its final newline). */
export function localEntryText(entry: StoredManifest, opts: { verbose?: boolean } = {}): string {
  return goIndent(opts.verbose ? encodeStoredManifest(entry) : entry.manifestText, '\t');
}
