// docker's `images` formatter (cli/command/formatter/image.go): one row per repository tag
// (or per digest with --digests), the fields templates can use, their column titles, and
// the default table formats.
import { shortId } from '../../oci/digest.js';
import { parseReference } from '../../reference/parse.js';
import type { ImageSummary } from '../../ops/image-summary.js';
import { GO_MARSHAL_JSON, goJson } from './go-json.js';
import { goTimeString, humanDuration, humanSize } from './go-units.js';
import type { RecordKind } from './format-records.js';
import { stringStruct } from './template-shape.js';

export const DEFAULT_IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const DEFAULT_IMAGE_TABLE_WITH_DIGEST =
  'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const QUIET_FORMAT = '{{.ID}}';

const HEADERS = {
  Containers: 'CONTAINERS',
  CreatedAt: 'CREATED AT',
  CreatedSince: 'CREATED',
  Digest: 'DIGEST',
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  SharedSize: 'SHARED SIZE',
  Size: 'SIZE',
  Tag: 'TAG',
  UniqueSize: 'UNIQUE SIZE',
  VirtualSize: 'SIZE',
} as const;

export type ImageRow = { [K in keyof typeof HEADERS]: string };

export const IMAGE_ROW_KIND: RecordKind = { shape: stringStruct('image', Object.keys(HEADERS)), headers: HEADERS };

/** docker's NewImageFormat: `table` picks a default, a custom table gets a DIGEST column with --digests. */
export function imageFormat(format: string | undefined, opts: { quiet: boolean; digests: boolean }): string {
  // An empty --format means the default, as in docker.
  const source = format || 'table';
  if (source === 'table') return opts.quiet ? QUIET_FORMAT : opts.digests ? DEFAULT_IMAGE_TABLE_WITH_DIGEST : DEFAULT_IMAGE_TABLE;
  if (source.startsWith('table') && opts.digests && !source.includes('{{.Digest}}')) return `${source}\t{{.Digest}}`;
  return source;
}

export interface ImageRowOptions {
  /** --digests */
  digests: boolean;
  /** Whether the format shows {{.Digest}} (docker then fills it in even without --digests). */
  formatHasDigest: boolean;
  /** Short IDs (not --no-trunc). */
  trunc: boolean;
  now: number;
}

function row(summary: ImageSummary, repo: string, tag: string, digest: string, opts: ImageRowOptions): ImageRow {
  const created = summary.created ? new Date(summary.created) : undefined;
  const valid = created && !Number.isNaN(created.getTime()) ? created : undefined;
  const fields: ImageRow = {
    Containers: 'N/A',
    CreatedAt: valid ? goTimeString(valid) : '',
    CreatedSince: valid ? `${humanDuration(opts.now - Math.floor(valid.getTime() / 1000) * 1000)} ago` : '',
    Digest: digest,
    ID: opts.trunc ? shortId(summary.id) : summary.id,
    Repository: repo,
    SharedSize: 'N/A',
    Size: humanSize(summary.size, 3),
    Tag: tag,
    UniqueSize: 'N/A',
    VirtualSize: humanSize(summary.size),
  };
  // {{json .}} is docker's MarshalJSON of the row: keys sorted, HTML characters escaped.
  Object.defineProperty(fields, GO_MARSHAL_JSON, { value: () => goJson({ ...fields }, { escapeHtml: true }), enumerable: false });
  return fields;
}

/** docker's imageFormatTaggedAndDigest, for every summary in order. */
export function imageRows(summaries: readonly ImageSummary[], opts: ImageRowOptions): ImageRow[] {
  const rows: ImageRow[] = [];
  const needDigest = opts.digests || opts.formatHasDigest;
  for (const summary of summaries) {
    if (summary.repoTags.length === 0 && summary.repoDigests.length === 0) {
      rows.push(row(summary, '<none>', '<none>', '<none>', opts));
      continue;
    }
    const tagsByRepo = new Map<string, string[]>();
    for (const t of summary.repoTags) {
      const ref = parseReference(t);
      tagsByRepo.set(ref.familiarName(), [...(tagsByRepo.get(ref.familiarName()) ?? []), ref.tag!]);
    }
    const digestsByRepo = new Map<string, string[]>();
    for (const d of summary.repoDigests) {
      const ref = parseReference(d);
      digestsByRepo.set(ref.familiarName(), [...(digestsByRepo.get(ref.familiarName()) ?? []), ref.digest!]);
    }
    for (const [repo, tags] of tagsByRepo) {
      const digests = needDigest ? (digestsByRepo.get(repo) ?? []) : [];
      digestsByRepo.delete(repo);
      for (const tag of tags) {
        if (digests.length === 0) rows.push(row(summary, repo, tag, '<none>', opts));
        for (const d of digests) rows.push(row(summary, repo, tag, d, opts));
      }
    }
    // Digest-only names: a row per digest with --digests, else one row with an empty digest.
    for (const [repo, digests] of digestsByRepo) {
      if (opts.digests) for (const d of digests) rows.push(row(summary, repo, '<none>', d, opts));
      else rows.push(row(summary, repo, '<none>', '', opts));
    }
  }
  return rows;
}
