// Records printed by `regctl tags --format`/`--digests`: the repository, the tag and, when asked
// for, the digest the tag points at (from a HEAD, which Docker Hub does not count as a pull).
import type { RecordKind } from './format-records.js';
import { stringStruct } from './template-shape.js';

const HEADERS = { Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST' } as const;

export type TagRecord = { [K in keyof typeof HEADERS]: string };

export const TAG_RECORD_KIND: RecordKind = { shape: stringStruct('tagRecord', Object.keys(HEADERS)), headers: HEADERS };

/** No --format: plain tags (one per line), or a table with digests when --digests is given. */
export function tagsFormat(format: string | undefined, digests: boolean): string | undefined {
  if (format === undefined || format === '') return digests ? 'table {{.Tag}}\t{{.Digest}}' : undefined;
  if (format === 'table') return digests ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}' : 'table {{.Repository}}\t{{.Tag}}';
  return format;
}
