// What a template's data looks like, so that templates behave as they do over docker's Go
// structs: a field the type does not have is an error ("can't evaluate field Foo in type ..."),
// a field it has but the record leaves out prints its zero value ("", [], map[]), and a key
// missing from a map prints "<no value>".

export type Shape =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'map'; elem?: Shape }
  | { kind: 'struct'; type: string; fields: Readonly<Record<string, Shape>>; aliases?: Readonly<Record<string, string>> };

export type StructShape = Extract<Shape, { kind: 'struct' }>;

export const STRING: Shape = { kind: 'string' };
export const NUMBER: Shape = { kind: 'number' };
export const BOOL: Shape = { kind: 'bool' };
export const ANY: Shape = { kind: 'any' };
export const STRINGS: Shape = { kind: 'list', elem: STRING };
export const STRING_MAP: Shape = { kind: 'map', elem: STRING };

export function struct(type: string, fields: Record<string, Shape>, aliases?: Record<string, string>): StructShape {
  return aliases ? { kind: 'struct', type, fields, aliases } : { kind: 'struct', type, fields };
}

/** A struct whose every field is a string (docker's list formatters: images, search, ...). */
export function stringStruct(type: string, fields: readonly string[]): StructShape {
  return struct(type, Object.fromEntries(fields.map((f) => [f, STRING])));
}

export function elemShape(shape: Shape): Shape {
  return (shape.kind === 'list' || shape.kind === 'map') && shape.elem ? shape.elem : ANY;
}
