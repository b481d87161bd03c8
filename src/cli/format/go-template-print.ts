// How Go's text/template prints a value (fmt's %v) and decides truth, for the JS values that
// stand in for docker's Go structs.
import type { Shape } from './template-shape.js';

export interface TemplateValue {
  v: unknown;
  shape: Shape;
  /** A key absent from a map: prints "<no value>". */
  missing?: boolean;
}

function zero(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return '';
    case 'number':
      return '0';
    case 'bool':
      return 'false';
    case 'list':
      return '[]';
    case 'map':
      return 'map[]';
    default:
      return '<nil>';
  }
}

function printInner(v: unknown, shape: Shape): string {
  if (v === undefined || v === null) return zero(shape);
  if (Array.isArray(v)) {
    const elem = shape.kind === 'list' && shape.elem ? shape.elem : { kind: 'any' as const };
    return `[${v.map((x) => printInner(x, elem)).join(' ')}]`;
  }
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    if (shape.kind === 'struct') return `{${Object.keys(shape.fields).map((k) => printInner(obj[k], shape.fields[k]!)).join(' ')}}`;
    const keys = Object.keys(obj).sort();
    const elem = shape.kind === 'map' && shape.elem ? shape.elem : { kind: 'any' as const };
    return `map[${keys.map((k) => `${k}:${printInner(obj[k], elem)}`).join(' ')}]`;
  }
  return String(v);
}

export function printValue(value: TemplateValue): string {
  if (value.missing) return '<no value>';
  return printInner(value.v, value.shape);
}

/** Go's template truth: false, 0, "", nil and empty lists/maps are false; structs are true. */
export function isTrue(value: TemplateValue): boolean {
  const v = value.v;
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return value.shape.kind === 'struct' || Object.keys(v).length > 0;
  return true;
}
