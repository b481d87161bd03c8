// Executes a parsed template over a record. Errors read like Go's, wrapped as docker wraps them:
// `template parsing error: template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type image`.
import type { FuncMap } from './go-template-funcs.js';
import { isTrue, printValue, type TemplateValue } from './go-template-print.js';
import { templateError, type Command, type Operand, type Pipeline, type TemplateNode } from './go-template-parse.js';
import { ANY, BOOL, NUMBER, STRING, elemShape, type Shape } from './template-shape.js';

/** Go checks function names when it parses; so do we, so a typo fails even with no records. */
export function checkFunctions(src: string, nodes: readonly TemplateNode[], funcs: FuncMap): void {
  const visitPipe = (pipe: Pipeline) => pipe.cmds.forEach((c) => c.args.forEach(visitOperand));
  const visitOperand = (op: Operand): void => {
    if (op.t === 'func' && !Object.hasOwn(funcs, op.name)) throw templateError(src, op.pos, `function "${op.name}" not defined`);
    if (op.t === 'pipe') visitPipe(op.pipe);
    if (op.t === 'field' && op.from) visitOperand(op.from);
  };
  for (const node of nodes) {
    if (node.t === 'action') visitPipe(node.pipe);
    else if (node.t !== 'text') {
      visitPipe(node.pipe);
      checkFunctions(src, node.body, funcs);
      if (node.orElse) checkFunctions(src, node.orElse, funcs);
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(value: TemplateValue): string {
  const { v, shape } = value;
  if (shape.kind === 'struct') return shape.type;
  if (Array.isArray(v) || shape.kind === 'list') return '[]string';
  if (typeof v === 'number' || shape.kind === 'number') return 'int';
  if (typeof v === 'boolean' || shape.kind === 'bool') return 'bool';
  return typeof v === 'string' || shape.kind === 'string' ? 'string' : 'interface {}';
}

export interface ExecuteOptions {
  /** Stop at the first error and keep what was written so far (Go's behaviour that docker's table headers rely on). */
  partialOnError?: boolean;
}

export function executeTemplate(src: string, nodes: readonly TemplateNode[], data: TemplateValue, funcs: FuncMap, opts: ExecuteOptions = {}): string {
  const out: string[] = [];
  const fail = (op: { pos: number; text: string }, message: string): never => {
    throw templateError(src, op.pos, `executing "" at <${op.text}>: ${message}`, true);
  };

  const field = (value: TemplateValue, name: string, op: Operand): TemplateValue => {
    const { v, shape } = value;
    if (shape.kind === 'struct') {
      const key = shape.aliases?.[name] ?? name;
      const fieldShape = shape.fields[key];
      if (!fieldShape) return fail(op, `can't evaluate field ${name} in type ${shape.type}`);
      return { v: isObject(v) ? v[key] : undefined, shape: fieldShape };
    }
    if (shape.kind === 'map' || (shape.kind === 'any' && isObject(v))) {
      const elem = elemShape(shape);
      return isObject(v) && Object.hasOwn(v, name) ? { v: v[name], shape: elem } : { v: undefined, shape: elem, missing: true };
    }
    if (v === undefined || v === null) return fail(op, `nil pointer evaluating ${typeName(value)}.${name}`);
    return fail(op, `can't evaluate field ${name} in type ${typeName(value)}`);
  };

  const literal = (v: string | number | boolean | null): TemplateValue => ({
    v,
    shape: typeof v === 'string' ? STRING : typeof v === 'number' ? NUMBER : typeof v === 'boolean' ? BOOL : ANY,
  });

  const call = (op: Extract<Operand, { t: 'func' }>, args: TemplateValue[]): TemplateValue => {
    const f = funcs[op.name]!;
    if (args.length < f.min || args.length > f.max) {
      const want = f.min === f.max ? `${f.min}` : `at least ${f.min}`;
      return fail(op, `wrong number of args for ${op.name}: want ${want} got ${args.length}`);
    }
    try {
      return f.call(args);
    } catch (err) {
      return fail(op, `error calling ${op.name}: ${(err as Error).message}`);
    }
  };

  const evalOperand = (op: Operand, dot: TemplateValue): TemplateValue => {
    switch (op.t) {
      case 'dot':
        return dot;
      case 'root':
        return data;
      case 'lit':
        return literal(op.value);
      case 'func':
        return call(op, []);
      case 'pipe':
        return evalPipeline(op.pipe, dot);
      case 'field': {
        let value = op.from ? evalOperand(op.from, dot) : dot;
        for (const name of op.fields) value = field(value, name, op);
        return value;
      }
    }
  };

  const evalCommand = (cmd: Command, dot: TemplateValue, piped: TemplateValue | undefined): TemplateValue => {
    const [first, ...rest] = cmd.args as [Operand, ...Operand[]];
    if (first.t === 'func') {
      const args = rest.map((a) => evalOperand(a, dot));
      return call(first, piped ? [...args, piped] : args);
    }
    if (rest.length > 0 || piped) return fail(first, `can't give argument to non-function ${first.text}`);
    return evalOperand(first, dot);
  };

  const evalPipeline = (pipe: Pipeline, dot: TemplateValue): TemplateValue => {
    let value: TemplateValue | undefined;
    for (const cmd of pipe.cmds) value = evalCommand(cmd, dot, value);
    return value!;
  };

  const run = (list: readonly TemplateNode[], dot: TemplateValue): void => {
    for (const node of list) {
      if (node.t === 'text') out.push(node.text);
      else if (node.t === 'action') out.push(printValue(evalPipeline(node.pipe, dot)));
      else if (node.t === 'range') runRange(node, dot);
      else {
        const value = evalPipeline(node.pipe, dot);
        if (isTrue(value)) run(node.body, node.t === 'with' ? value : dot);
        else if (node.orElse) run(node.orElse, dot);
      }
    }
  };

  const runRange = (node: Extract<TemplateNode, { body: unknown }>, dot: TemplateValue): void => {
    const value = evalPipeline(node.pipe, dot);
    const elem: Shape = elemShape(value.shape);
    const v = value.v;
    let items: unknown[];
    if (v === undefined || v === null) items = [];
    else if (Array.isArray(v)) items = v;
    else if (isObject(v) && value.shape.kind !== 'struct') items = Object.keys(v).sort().map((k) => v[k]);
    else return fail({ pos: node.pipe.pos, text: 'range' }, `range can't iterate over ${printValue(value)}`);
    if (items.length === 0 && node.orElse) run(node.orElse, dot);
    for (const item of items) run(node.body, { v: item, shape: elem });
  };

  try {
    run(nodes, data);
  } catch (err) {
    if (!opts.partialOnError) throw err;
  }
  return out.join('');
}
