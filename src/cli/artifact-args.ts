// The arguments the artifact commands share, read as oras reads them: `--annotation KEY=VALUE`
// (repeatable, split at the first `=`, a key given twice refused) and `FILE[:MEDIATYPE]`
// (store/files/file-ref.ts).
import { UsageError } from '../errors.js';
import { parseFileRef, type FileRef } from '../store/files/file-ref.js';

export function parseAnnotations(values: readonly string[] = []): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`annotation value doesn't match the required format "KEY=VALUE": ${JSON.stringify(value)}`);
    const key = value.slice(0, eq);
    if (Object.hasOwn(annotations, key)) throw new UsageError(`duplicate annotation key ${JSON.stringify(key)}`);
    annotations[key] = value.slice(eq + 1);
  }
  return annotations;
}

export function parseFileRefs(values: readonly string[]): FileRef[] {
  return values.map(parseFileRef);
}
