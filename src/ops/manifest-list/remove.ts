// `manifest rm LIST...` (docker/cli cli/command/manifest/rm.go): removes local lists. Every name
// is tried; the failures (a bad name, a list that does not exist) are reported together, one
// per line, as docker does, after the others were removed.
import { ManifestListError, isRegctlError, type RegctlErrorCode } from '../../errors.js';
import type { ManifestListStore } from '../../config/manifest-list-store.js';
import { parseNamed } from './parse-names.js';

export async function removeManifestLists(store: ManifestListStore, inputs: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const failures: { code: RegctlErrorCode; message: string }[] = [];
  for (const input of inputs) {
    try {
      const list = parseNamed(input);
      await store.getList(list);
      await store.remove(list);
      removed.push(list.toString());
    } catch (err) {
      if (!isRegctlError(err)) throw err;
      failures.push({ code: err.code, message: err.message });
    }
  }
  if (failures.length > 0) {
    // One code for the whole run: not found only when every failure was a missing list.
    const code = failures.every((f) => f.code === 'REGCTL_NOT_FOUND') ? 'REGCTL_NOT_FOUND' : failures[0]!.code;
    throw new ManifestListError(code, 'list-not-found', failures.map((f) => f.message).join('\n'));
  }
  return removed;
}
