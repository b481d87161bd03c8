// docker's formatter.Context.Write for every command that prints records (images, and later
// search and tags): `--format json` (one object per line), `table TEMPLATE` (a header row of
// column titles, columns aligned by Go's tabwriter) or a plain Go template, one line per record.
import { executeTemplate, checkFunctions } from './go-template-exec.js';
import { BASIC_FUNCS, HEADER_FUNCS } from './go-template-funcs.js';
import { parseTemplate, type TemplateNode } from './go-template-parse.js';
import { tabwrite } from './tabwriter.js';
import { escapeControls } from '../terminal-text.js';
import { STRING, type StructShape } from './template-shape.js';

export interface RecordKind {
  /** The record's fields, so a misspelt one fails like docker's "can't evaluate field". */
  shape: StructShape;
  /** Column title per field, for the header of a `table` format. */
  headers: Readonly<Record<string, string>>;
}

export const isTableFormat = (format: string): boolean => format.startsWith('table');

export interface CompiledFormat {
  source: string;
  nodes: TemplateNode[];
  table: boolean;
}

/** docker's preFormat: strip `table`, expand `json`, trim spaces, turn `\t` and `\n` escapes into characters. */
export function compileFormat(format: string): CompiledFormat {
  const table = isTableFormat(format);
  let source = table ? format.slice('table'.length) : format === 'json' ? '{{json .}}' : format;
  source = source.replace(/^ +| +$/g, '').replace(/\\([tn])/g, (_, c: string) => (c === 't' ? '\t' : '\n'));
  const nodes = parseTemplate(source);
  checkFunctions(source, nodes, BASIC_FUNCS);
  return { source, nodes, table };
}

/** Renders `records` with `format`; throws UsageError (exit 2) for a bad template. */
export function formatRecords(format: string, records: readonly object[], kind: RecordKind): string {
  const compiled = compileFormat(format);
  // Field values come from registries: no raw control character reaches the terminal (JSON
  // escapes its own; the template's own tabs and newlines stay).
  const render = (record: object) =>
    escapeControls(executeTemplate(compiled.source, compiled.nodes, { v: record, shape: kind.shape }, BASIC_FUNCS), { keepNewlines: true });
  // With nothing to print, still run the template once so that an unknown field is reported.
  if (records.length === 0) render({});
  const rows = records.map((r) => render(r) + '\n').join('');
  if (!compiled.table) return rows;
  const header = executeTemplate(compiled.source, compiled.nodes, { v: kind.headers, shape: { kind: 'map', elem: STRING } }, HEADER_FUNCS, {
    partialOnError: true,
  });
  return tabwrite(`${header}\n${rows}`);
}
