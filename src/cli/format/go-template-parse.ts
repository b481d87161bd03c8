// Parser for the subset of Go's text/template that docker users write in --format:
// text, {{pipeline}}, fields and chains (.Config.Env, $.Id, (index .Labels "k").X), literals,
// function calls and `|` pipes, {{if}}/{{with}}/{{range}} with {{else}} / {{else if}}, {{end}},
// comments and the {{- -}} trim markers. Variables ($x :=), define/template/block are refused.
import { SPACE, findClose, lexAction, templateError, type Token } from './go-template-lex.js';

export { templateError } from './go-template-lex.js';

export type Operand =
  | { t: 'dot'; pos: number; text: string }
  | { t: 'root'; pos: number; text: string }
  | { t: 'lit'; value: string | number | boolean | null; pos: number; text: string }
  | { t: 'func'; name: string; pos: number; text: string }
  | { t: 'pipe'; pipe: Pipeline; pos: number; text: string }
  /** A field chain; `from` undefined means the current dot (`.A.B`). */
  | { t: 'field'; from: Operand | undefined; fields: string[]; pos: number; text: string };

export interface Command {
  args: Operand[];
  pos: number;
}

export interface Pipeline {
  cmds: Command[];
  pos: number;
}

export type TemplateNode =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if' | 'with' | 'range'; pipe: Pipeline; body: TemplateNode[]; orElse: TemplateNode[] | undefined };

class ActionParser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private fail(pos: number, message: string): never {
    throw templateError(this.src, pos, message);
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  keyword(): string | undefined {
    const t = this.peek();
    return t?.kind === 'ident' && ['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue'].includes(t.text)
      ? (this.i++, t.text)
      : undefined;
  }

  pipeline(context: string, closer?: ')'): Pipeline {
    const pos = this.peek()?.pos ?? this.src.length;
    const cmds: Command[] = [];
    for (;;) {
      const args: Operand[] = [];
      while (!this.atEnd() && this.peek()!.kind !== '|' && this.peek()!.kind !== ')') args.push(this.operand());
      if (args.length === 0) this.fail(pos, `missing value for ${context}`);
      cmds.push({ args, pos: args[0]!.pos });
      const next = this.peek();
      if (next?.kind === '|') {
        this.i++;
        continue;
      }
      if (next?.kind === ')' && closer !== ')') this.fail(next.pos, 'unexpected right paren');
      return { cmds, pos };
    }
  }

  private operand(): Operand {
    const t = this.peek()!;
    this.i++;
    let term: Operand;
    switch (t.kind) {
      case 'dot':
        term = { t: 'dot', pos: t.pos, text: '.' };
        break;
      case 'root':
        term = { t: 'root', pos: t.pos, text: '$' };
        break;
      case 'field':
        term = { t: 'field', from: undefined, fields: [t.value as string], pos: t.pos, text: t.text };
        break;
      case 'string':
      case 'number':
        term = { t: 'lit', value: t.value!, pos: t.pos, text: t.text };
        break;
      case 'ident':
        if (t.text === 'true' || t.text === 'false') term = { t: 'lit', value: t.text === 'true', pos: t.pos, text: t.text };
        else if (t.text === 'nil') term = { t: 'lit', value: null, pos: t.pos, text: t.text };
        else term = { t: 'func', name: t.text, pos: t.pos, text: t.text };
        break;
      case '(': {
        const pipe = this.pipeline('parenthesized pipeline', ')');
        const close = this.peek();
        if (close?.kind !== ')') this.fail(t.pos, 'unclosed left paren');
        this.i++;
        term = { t: 'pipe', pipe, pos: t.pos, text: this.src.slice(t.pos, close.pos + 1) };
        break;
      }
      case 'var':
        return this.fail(t.pos, `undefined variable "${t.text}" (regctl templates support $ but not variables)`);
      default:
        return this.fail(t.pos, `unexpected "${t.text}" in operand`);
    }
    // A field right after a term, with no space, continues the chain: .A.B, $.Id, (x).Y
    while (this.peek()?.kind === 'field' && !this.peek()!.spaceBefore) {
      const f = this.peek()!;
      this.i++;
      if (term.t === 'field') term = { ...term, fields: [...term.fields, f.value as string], text: term.text + f.text };
      else term = { t: 'field', from: term, fields: [f.value as string], pos: term.pos, text: term.text + f.text };
    }
    if (term.t === 'lit' && this.peek()?.kind === 'field' && !this.peek()!.spaceBefore) this.fail(t.pos, `unexpected . after term "${t.text}"`);
    return term;
  }
}

interface Frame {
  kind: 'if' | 'with' | 'range' | 'root';
  nodes: TemplateNode[];
  node?: Extract<TemplateNode, { t: 'if' | 'with' | 'range' }>;
  /** An {{else if}} opens a nested frame that the same {{end}} closes. */
  chained?: boolean;
  pos: number;
}

export function parseTemplate(src: string): TemplateNode[] {
  const stack: Frame[] = [{ kind: 'root', nodes: [], pos: 0 }];
  const top = () => stack[stack.length - 1]!;
  let pos = 0;
  let trimNext = false;
  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (text) top().nodes.push({ t: 'text', text });
      break;
    }
    let bodyStart = open + 2;
    if (src[bodyStart] === '-' && SPACE.test(src[bodyStart + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      bodyStart += 2;
    }
    if (text) top().nodes.push({ t: 'text', text });
    const close = findClose(src, bodyStart);
    if (close < 0) throw templateError(src, open, 'unclosed action');
    let bodyEnd = close;
    trimNext = false;
    if (src[close - 1] === '-' && SPACE.test(src[close - 2] ?? '') && close - 2 >= bodyStart) {
      bodyEnd = close - 2;
      trimNext = true;
    }
    pos = close + 2;
    const inner = src.slice(bodyStart, bodyEnd).trim();
    if (inner.startsWith('/*')) {
      if (!inner.endsWith('*/')) throw templateError(src, open, 'unclosed comment');
      continue;
    }
    handleAction(src, lexAction(src, bodyStart, bodyEnd), open, stack);
  }
  if (stack.length > 1) throw templateError(src, top().pos, `unexpected EOF`);
  return stack[0]!.nodes;
}

function handleAction(src: string, tokens: Token[], open: number, stack: Frame[]): void {
  const top = () => stack[stack.length - 1]!;
  const p = new ActionParser(src, tokens);
  if (p.atEnd()) throw templateError(src, open, 'missing value for command');
  const keyword = p.keyword();
  const openBlock = (kind: 'if' | 'with' | 'range', chained: boolean) => {
    const pipe = p.pipeline(kind);
    const node = { t: kind, pipe, body: [] as TemplateNode[], orElse: undefined };
    top().nodes.push(node);
    stack.push({ kind, nodes: node.body, node, chained, pos: open });
  };
  const noMore = () => {
    if (!p.atEnd()) throw templateError(src, open, `unexpected tokens after {{${keyword}}}`);
  };
  switch (keyword) {
    case undefined: {
      const pipe = p.pipeline('command');
      top().nodes.push({ t: 'action', pipe });
      return;
    }
    case 'if':
    case 'with':
    case 'range':
      return openBlock(keyword, false);
    case 'else': {
      const frame = top();
      if (!frame.node || frame.node.orElse) throw templateError(src, open, 'unexpected {{else}}');
      frame.node.orElse = [];
      frame.nodes = frame.node.orElse;
      const chained = p.keyword();
      if (chained === 'if' || chained === 'with') return openBlock(chained, true);
      if (chained !== undefined) throw templateError(src, open, `unexpected "${chained}" after else`);
      return noMore();
    }
    case 'end':
      noMore();
      if (stack.length === 1) throw templateError(src, open, 'unexpected {{end}}');
      while (top().chained) stack.pop();
      stack.pop();
      return;
    default:
      throw templateError(src, open, `{{${keyword}}} is not supported in regctl templates`);
  }
}
