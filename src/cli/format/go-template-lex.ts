// Tokens of a --format template action (the text between {{ and }}), Go's rules for quoted
// strings, and Go's error text for template problems.
import { UsageError } from '../../errors.js';

/** Go's `template: :LINE: message`, wrapped the way docker wraps template errors. */
export function templateError(source: string, pos: number, message: string, column = false): UsageError {
  const before = source.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - (before.lastIndexOf('\n') + 1);
  return new UsageError(`template parsing error: template: :${line}${column ? `:${col}` : ''}: ${message}`);
}

export interface Token {
  kind: 'field' | 'dot' | 'root' | 'var' | 'ident' | 'string' | 'number' | '|' | '(' | ')' | 'other';
  text: string;
  value?: string | number;
  pos: number;
  spaceBefore: boolean;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/y;
export const SPACE = /[ \t\r\n]/;

function sticky(re: RegExp, s: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(s)?.[0];
}

/** Tokens of one action body, `start`..`end` of `src`. */
export function lexAction(src: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  let space = false;
  const push = (kind: Token['kind'], text: string, value?: string | number) => {
    tokens.push({ kind, text, pos: i, spaceBefore: space, ...(value !== undefined ? { value } : {}) });
    i += text.length;
    space = false;
  };
  while (i < end) {
    const c = src[i]!;
    if (SPACE.test(c)) {
      i++;
      space = true;
    } else if (c === '|' || c === '(' || c === ')') push(c, c);
    else if (c === '"' || c === '`') {
      const close = c === '"' ? findQuote(src, i, end) : src.indexOf('`', i + 1);
      if (close < 0 || close >= end) throw templateError(src, i, 'unterminated quoted string');
      const text = src.slice(i, close + 1);
      let value: string;
      try {
        value = c === '"' ? (JSON.parse(text) as string) : text.slice(1, -1);
      } catch {
        throw templateError(src, i, `invalid syntax in string ${text}`);
      }
      push('string', text, value);
    } else if (c === '.' || c === '$') {
      const name = sticky(IDENT, src, i + 1);
      if (c === '.' && name === undefined && /\d/.test(src[i + 1] ?? '')) push('number', sticky(NUMBER, src, i)!, Number(sticky(NUMBER, src, i)));
      else if (name === undefined) push(c === '.' ? 'dot' : 'root', c);
      else push(c === '.' ? 'field' : 'var', c + name, name);
    } else if (/[-+\d]/.test(c) && sticky(NUMBER, src, i)) {
      const text = sticky(NUMBER, src, i)!;
      push('number', text, Number(text));
    } else if (sticky(IDENT, src, i)) push('ident', sticky(IDENT, src, i)!);
    else push('other', c);
  }
  return tokens;
}

function findQuote(src: string, open: number, end: number): number {
  for (let i = open + 1; i < end; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"') return i;
    else if (src[i] === '\n') return -1;
  }
  return -1;
}

/** Offset of the `}}` closing the action that starts at `from`, skipping quoted text. */
export function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      const q = findQuote(src, i, src.length);
      if (q < 0) return -1;
      i = q;
    } else if (c === '`') {
      const q = src.indexOf('`', i + 1);
      if (q < 0) return -1;
      i = q;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}
