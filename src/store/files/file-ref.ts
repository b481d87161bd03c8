// `FILE[:MEDIATYPE]` as oras reads it (cmd/oras/internal/fileref, unix): split at the LAST colon,
// so `hi.txt:application/vnd.me.hi` is a file and its type, and a file whose name has a colon is
// written with a trailing one (`hi:txt:` is the file `hi:txt`, default type). No colon: the whole
// argument is the file. An empty media type means the default.
import { UsageError } from '../../errors.js';

export interface FileRef {
  path: string;
  /** Undefined: the default for a file or a directory. */
  mediaType?: string;
}

export function parseFileRef(input: string): FileRef {
  const colon = input.lastIndexOf(':');
  const path = colon < 0 ? input : input.slice(0, colon);
  const mediaType = colon < 0 ? '' : input.slice(colon + 1);
  if (path === '') throw new UsageError(`found empty file path in "${input}"`);
  return mediaType ? { path, mediaType } : { path };
}
