// The functions a --format template can call: docker's (json, split, join, title, lower, upper,
// pad, truncate) and the Go builtins people use with them (index, len, eq, ne, not, and, or,
// print). Table headers use docker's HeaderFunctions, which leave the column title untouched.
import { goJson } from './go-json.js';
import { isTrue, printValue, type TemplateValue } from './go-template-print.js';
import { ANY, BOOL, NUMBER, STRING, STRINGS, elemShape } from './template-shape.js';

export interface TemplateFunc {
  min: number;
  /** Infinity for variadic functions. */
  max: number;
  call(args: TemplateValue[]): TemplateValue;
}

export type FuncMap = Readonly<Record<string, TemplateFunc>>;

const str = (v: string): TemplateValue => ({ v, shape: STRING });

function asString(value: TemplateValue): string {
  if (value.v === undefined || value.v === null) return '';
  if (typeof value.v !== 'string') throw new Error(`wrong type for value; expected string; got ${goType(value)}`);
  return value.v;
}

function asInt(value: TemplateValue): number {
  if (typeof value.v !== 'number' || !Number.isInteger(value.v)) throw new Error(`wrong type for value; expected int; got ${goType(value)}`);
  return value.v;
}

function goType(value: TemplateValue): string {
  const v = value.v;
  if (Array.isArray(v)) return '[]string';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'object' && v !== null) return value.shape.kind === 'struct' ? value.shape.type : 'map[string]string';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

const fn = (min: number, max: number, call: (args: TemplateValue[]) => TemplateValue): TemplateFunc => ({ min, max, call });
const chars = (s: string) => [...s];

function index(args: TemplateValue[]): TemplateValue {
  let current = args[0]!;
  for (const key of args.slice(1)) {
    const elem = elemShape(current.shape);
    const v = current.v;
    if (v === undefined || v === null) {
      current = { v: undefined, shape: elem };
    } else if (Array.isArray(v)) {
      const i = asInt(key);
      if (i < 0 || i >= v.length) throw new Error(`index out of range: ${i}`);
      current = { v: v[i], shape: elem };
    } else if (typeof v === 'object') {
      current = { v: (v as Record<string, unknown>)[asString(key)], shape: elem };
    } else {
      throw new Error(`can't index item of type ${goType(current)}`);
    }
  }
  return current;
}

function length(value: TemplateValue): number {
  const v = value.v;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v === undefined || v === null) return 0;
  if (typeof v === 'object') return Object.keys(v).length;
  throw new Error(`len of type ${goType(value)}`);
}

const same = (a: TemplateValue, b: TemplateValue) => (a.v ?? '') === (b.v ?? '') || printValue(a) === printValue(b);

export const BASIC_FUNCS: FuncMap = {
  json: fn(1, 1, ([v]) => str(goJson(v!.v))),
  split: fn(2, 2, ([s, sep]) => {
    const text = asString(s!);
    const by = asString(sep!);
    return { v: by === '' ? chars(text) : text.split(by), shape: STRINGS };
  }),
  join: fn(2, 2, ([list, sep]) => {
    const items = (list!.v ?? []) as unknown[];
    if (!Array.isArray(items)) throw new Error(`wrong type for value; expected []string; got ${goType(list!)}`);
    return str(items.map((i) => String(i)).join(asString(sep!)));
  }),
  title: fn(1, 1, ([s]) => str(asString(s!).replace(/(^|[^\p{L}\p{N}_])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase()))),
  lower: fn(1, 1, ([s]) => str(asString(s!).toLowerCase())),
  upper: fn(1, 1, ([s]) => str(asString(s!).toUpperCase())),
  pad: fn(3, 3, ([s, before, after]) => {
    const text = asString(s!);
    return str(text === '' ? '' : ' '.repeat(asInt(before!)) + text + ' '.repeat(asInt(after!)));
  }),
  truncate: fn(2, 2, ([s, n]) => {
    const text = chars(asString(s!));
    const max = asInt(n!);
    return str(text.length < max ? text.join('') : text.slice(0, max).join(''));
  }),
  index: fn(1, Infinity, index),
  len: fn(1, 1, ([v]) => ({ v: length(v!), shape: NUMBER })),
  eq: fn(2, Infinity, ([a, ...rest]) => ({ v: rest.some((b) => same(a!, b)), shape: BOOL })),
  ne: fn(2, 2, ([a, b]) => ({ v: !same(a!, b!), shape: BOOL })),
  not: fn(1, 1, ([v]) => ({ v: !isTrue(v!), shape: BOOL })),
  and: fn(1, Infinity, (args) => args.find((a) => !isTrue(a)) ?? args[args.length - 1]!),
  or: fn(1, Infinity, (args) => args.find((a) => isTrue(a)) ?? args[args.length - 1]!),
  // fmt.Sprint: a space between operands when neither side is a string.
  print: fn(0, Infinity, (args) =>
    str(args.map((a, i) => (i > 0 && typeof a.v !== 'string' && typeof args[i - 1]!.v !== 'string' ? ' ' : '') + printValue(a)).join('')),
  ),
};

const keepFirst = (arity: number) => fn(arity, arity, ([v]) => (typeof v!.v === 'string' ? v! : { v: v!.v, shape: ANY }));

/** docker's templates.HeaderFunctions: a table header shows the column title as is. */
export const HEADER_FUNCS: FuncMap = {
  ...BASIC_FUNCS,
  json: keepFirst(1),
  split: keepFirst(2),
  join: keepFirst(2),
  title: keepFirst(1),
  lower: keepFirst(1),
  upper: keepFirst(1),
  truncate: keepFirst(2),
};
