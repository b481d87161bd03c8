import { describe, expect, it } from 'vitest';
import { executeTemplate } from '../../../../src/cli/format/go-template-exec.js';
import { BASIC_FUNCS } from '../../../../src/cli/format/go-template-funcs.js';
import { parseTemplate } from '../../../../src/cli/format/go-template-parse.js';
import { ANY, NUMBER, STRING, STRING_MAP, STRINGS, struct } from '../../../../src/cli/format/template-shape.js';

const SHAPE = struct('image.InspectResponse', {
  Id: STRING,
  RepoTags: STRINGS,
  Size: NUMBER,
  Variant: STRING,
  Raw: ANY,
  Config: struct('image.Config', { Env: STRINGS, Cmd: STRINGS, Labels: STRING_MAP, User: STRING, ExposedPorts: { kind: 'map', elem: struct('struct {}', {}) } }),
}, { ID: 'Id' });

const DATA = {
  Id: 'sha256:abc',
  RepoTags: ['busybox:latest', 'busybox:1.36'],
  Size: 4261550,
  Raw: { a: { b: 'deep' } },
  Config: { Env: ['PATH=/bin', 'A=1'], Labels: { 'org.example.version': '1.0', b: '<2>' }, ExposedPorts: { '80/tcp': {} } },
};

function render(src: string, data: object = DATA): string {
  return executeTemplate(src, parseTemplate(src), { v: data, shape: SHAPE }, BASIC_FUNCS);
}

describe('Go template subset', () => {
  it('prints fields, nested fields and literal text', () => {
    expect(render('id={{.Id}} size={{.Size}}')).toBe('id=sha256:abc size=4261550');
    expect(render('{{.Config.Env}}')).toBe('[PATH=/bin A=1]');
    expect(render('{{ .RepoTags }}')).toBe('[busybox:latest busybox:1.36]');
  });

  it('prints Go zero values for known fields the record leaves out, and <no value> for missing map keys', () => {
    expect(render('[{{.Variant}}] {{.Config.Cmd}} {{.Config.User}}|')).toBe('[] [] |');
    expect(render('{{.Config.Labels.nope}}')).toBe('<no value>');
    expect(render('{{.Raw.a.b}} {{.Raw.x}}')).toBe('deep <no value>');
  });

  it('prints maps like Go: sorted keys, struct{} values as {}', () => {
    expect(render('{{.Config.Labels}}')).toBe('map[b:<2> org.example.version:1.0]');
    expect(render('{{.Config.ExposedPorts}}')).toBe('map[80/tcp:{}]');
  });

  it('accepts the Go field name where the JSON key differs (.ID for "Id")', () => {
    expect(render('{{.ID}}')).toBe('sha256:abc');
  });

  it('json: the whole record or one field, without HTML escaping', () => {
    expect(render('{{json .Config.Labels}}')).toBe('{"org.example.version":"1.0","b":"<2>"}');
    expect(render('{{json .RepoTags}}')).toBe('["busybox:latest","busybox:1.36"]');
    expect(render('{{json .Config.Cmd}}')).toBe('null');
  });

  it('index, len, join, split, upper, lower, title, pad, truncate, print', () => {
    expect(render('{{index .Config.Labels "org.example.version"}}')).toBe('1.0');
    expect(render('{{index .RepoTags 1}}')).toBe('busybox:1.36');
    expect(render('{{len .RepoTags}}')).toBe('2');
    expect(render('{{join .Config.Env ","}}')).toBe('PATH=/bin,A=1');
    expect(render('{{split .Id ":"}}')).toBe('[sha256 abc]');
    expect(render('{{upper .Id}} {{.Id | lower}} {{title "hello world"}}')).toBe('SHA256:ABC sha256:abc Hello World');
    expect(render('[{{pad .Id 1 2}}] [{{pad .Variant 1 2}}]')).toBe('[ sha256:abc  ] []');
    expect(render('{{truncate .Id 6}}')).toBe('sha256');
    expect(render('{{print .Size 1 "x" 2}}')).toBe('4261550 1x2');
  });

  it('if/else if/else, with, range (with $ for the root), eq/ne/not/and/or', () => {
    expect(render('{{if .Variant}}v{{else if .Id}}id{{else}}none{{end}}')).toBe('id');
    expect(render('{{if eq .Id "sha256:abc" "x"}}yes{{end}}{{if ne .Size 1}}!{{end}}{{if not .Variant}}-{{end}}')).toBe('yes!-');
    expect(render('{{with .Config}}{{.Env}}{{end}}{{with .Variant}}x{{else}}none{{end}}')).toBe('[PATH=/bin A=1]none');
    expect(render('{{range .Config.Env}}<{{.}}|{{$.Id}}>{{end}}')).toBe('<PATH=/bin|sha256:abc><A=1|sha256:abc>');
    expect(render('{{range .Config.Cmd}}x{{else}}empty{{end}}')).toBe('empty');
    expect(render('{{range .Config.Labels}}{{.}};{{end}}')).toBe('<2>;1.0;');
    expect(render('{{and .Id .Variant}}|{{or .Variant .Id}}')).toBe('|sha256:abc');
  });

  it('trims around {{- and -}} and skips comments', () => {
    expect(render('a  {{- .Id -}}  b {{/* note */}}c')).toBe('asha256:abcb c');
  });

  it('reports an unknown field the way Go does', () => {
    expect(() => render('{{.Foo}}')).toThrow(
      'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type image.InspectResponse',
    );
    expect(() => render('x\n  {{.Config.Nope}}')).toThrow('template: :2:4: executing "" at <.Config.Nope>: can\'t evaluate field Nope in type image.Config');
    expect(() => render('{{.Id.Foo}}')).toThrow("can't evaluate field Foo in type string");
  });

  it('reports bad calls and syntax errors as usage errors', () => {
    expect(() => render('{{upper}}')).toThrow('wrong number of args for upper: want 1 got 0');
    expect(() => render('{{index .RepoTags 5}}')).toThrow('error calling index: index out of range: 5');
    expect(() => render('{{.Id "x"}}')).toThrow("can't give argument to non-function .Id");
    expect(() => render('{{.Id')).toThrow('template: :1: unclosed action');
    expect(() => render('{{if .Id}}x')).toThrow('unexpected EOF');
    expect(() => render('{{end}}')).toThrow('unexpected {{end}}');
    expect(() => render('{{$x := .Id}}')).toThrow('undefined variable "$x"');
    try {
      render('{{.Foo}}');
    } catch (err) {
      expect(err).toMatchObject({ code: 'REGCTL_USAGE' });
    }
  });
});
