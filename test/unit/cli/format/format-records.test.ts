import { describe, expect, it } from 'vitest';
import { formatRecords, type RecordKind } from '../../../../src/cli/format/format-records.js';
import { GO_MARSHAL_JSON, goJson } from '../../../../src/cli/format/go-json.js';
import { stringStruct } from '../../../../src/cli/format/template-shape.js';

const KIND: RecordKind = { shape: stringStruct('search', ['Name', 'Description', 'StarCount']), headers: { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS' } };
const RECORDS = [
  { Name: 'busybox', Description: 'Busybox base image.', StarCount: '3000' },
  { Name: 'a', Description: '<html> & co', StarCount: '7' },
];

describe('formatRecords (docker formatter.Context)', () => {
  it('json: one object per line, keys as the record has them, HTML not escaped by {{json .}}', () => {
    expect(formatRecords('json', RECORDS, KIND)).toBe(
      '{"Name":"busybox","Description":"Busybox base image.","StarCount":"3000"}\n{"Name":"a","Description":"<html> & co","StarCount":"7"}\n',
    );
  });

  it('json uses a record\'s own marshaller when it has one (docker\'s MarshalJSON)', () => {
    const record = { Name: '<x>', Description: '', StarCount: '' };
    Object.defineProperty(record, GO_MARSHAL_JSON, { value: () => goJson({ Name: record.Name }, { escapeHtml: true }) });
    expect(formatRecords('json', [record], KIND)).toBe('{"Name":"\\u003cx\\u003e"}\n');
  });

  it('table: header from the column titles (functions leave it alone), aligned with tabwriter', () => {
    expect(formatRecords('table {{.Name}}\\t{{.StarCount}}\\t{{.Description | upper}}', RECORDS, KIND)).toBe(
      'NAME      STARS     DESCRIPTION\n' + 'busybox   3000      BUSYBOX BASE IMAGE.\n' + 'a         7         <HTML> & CO\n',
    );
  });

  it('plain templates: one line per record, \\t and \\n escapes, outer spaces trimmed', () => {
    expect(formatRecords('  {{.Name}}\\t{{.StarCount}}\\n  ', RECORDS, KIND)).toBe('busybox\t3000\n\na\t7\n\n');
  });

  it('table header shows <no value> for a column with no title, like Go on a map', () => {
    const kind: RecordKind = { shape: KIND.shape, headers: { Name: 'NAME' } };
    expect(formatRecords('table {{.Name}}\\t{{.StarCount}}', RECORDS.slice(0, 1), kind)).toBe('NAME      <no value>\nbusybox   3000\n');
  });

  it('an unknown field fails even with no records; a known one with no records prints nothing', () => {
    expect(() => formatRecords('{{.Stars}}', [], KIND)).toThrow("can't evaluate field Stars in type search");
    expect(formatRecords('{{.Name}}', [], KIND)).toBe('');
    expect(formatRecords('table {{.Name}}', [], KIND)).toBe('NAME\n');
  });
});
