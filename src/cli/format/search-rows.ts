// docker's search formatter (cli/command/registry/formatter_search.go): the fields templates can
// use, their column titles, the default table, and the per-row values: descriptions with CR/LF
// folded to spaces and cut to 45 columns unless --no-trunc, `[OK]` for official images, and
// "true"/"false" strings when the row is rendered as JSON. Also podman's NAME/TAG rows for
// `search --list-tags`.
import type { SearchResult, TagRow } from '../../ops/search.js';
import { ellipsis } from './display-width.js';
import type { RecordKind } from './format-records.js';
import { GO_MARSHAL_JSON, goJson } from './go-json.js';
import { stringStruct } from './template-shape.js';

export const DEFAULT_SEARCH_TABLE = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';
export const DEFAULT_TAG_TABLE = 'table {{.Name}}\t{{.Tag}}';
const DESCRIPTION_COLUMNS = 45;

const SEARCH_HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL' } as const;
const TAG_HEADERS = { Name: 'NAME', Tag: 'TAG' } as const;

export type SearchRow = { [K in keyof typeof SEARCH_HEADERS]: string };
export type TagListRow = { [K in keyof typeof TAG_HEADERS]: string };

export const SEARCH_ROW_KIND: RecordKind = { shape: stringStruct('*registry.searchContext', Object.keys(SEARCH_HEADERS)), headers: SEARCH_HEADERS };
export const TAG_ROW_KIND: RecordKind = { shape: stringStruct('*search.tagRow', Object.keys(TAG_HEADERS)), headers: TAG_HEADERS };

/** docker's newFormat: no format or `table` means the default table. */
export function searchFormat(format: string | undefined, listTags = false): string {
  if (format === undefined || format === '' || format === 'table') return listTags ? DEFAULT_TAG_TABLE : DEFAULT_SEARCH_TABLE;
  return format;
}

export function searchDescription(description: string, trunc: boolean): string {
  const folded = description.replace(/\n/g, ' ').replace(/\r/g, ' ');
  return trunc ? ellipsis(folded, DESCRIPTION_COLUMNS) : folded;
}

function withJson<T extends object>(row: T, json: () => Record<string, string>): T {
  // {{json .}} is docker's MarshalJSON: keys sorted, HTML characters escaped.
  Object.defineProperty(row, GO_MARSHAL_JSON, { value: () => goJson(sortKeys(json()), { escapeHtml: true }), enumerable: false });
  return row;
}

function sortKeys(obj: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]!]));
}

export function searchRows(results: readonly SearchResult[], opts: { trunc: boolean }): SearchRow[] {
  return results.map((r) => {
    const row: SearchRow = {
      Name: r.name,
      Description: searchDescription(r.description, opts.trunc),
      StarCount: String(r.starCount),
      IsOfficial: r.isOfficial ? '[OK]' : '',
    };
    return withJson(row, () => ({ ...row, IsOfficial: String(r.isOfficial) }));
  });
}

export function tagListRows(rows: readonly TagRow[]): TagListRow[] {
  return rows.map((r) => {
    const row: TagListRow = { Name: r.name, Tag: r.tag };
    return withJson(row, () => ({ ...row }));
  });
}
