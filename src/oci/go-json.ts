// The text rules of Go's encoding/json that decide docker's bytes, and so its digests: Marshal
// escapes <, > and & (and U+2028/U+2029) inside strings; a value's own MarshalJSON output is
// compacted with the same escaping; Indent and MarshalIndent lay out `{}`/`[]` compactly and
// everything else one element per line. These work on the JSON text itself, so key order,
// number spelling and escapes the input already had survive exactly as they do in Go.

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** Go's HTML-safe escaping of characters JSON.stringify leaves alone (they only occur inside strings). */
export function escapeHtml(json: string): string {
  return json.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.Marshal of plain data (objects in insertion order, undefined members omitted): compact, HTML-escaped. */
export function goMarshal(value: unknown): string {
  return escapeHtml(JSON.stringify(value));
}

/** json.MarshalIndent(value, "", indent). */
export function goMarshalIndent(value: unknown, indent: string): string {
  return goIndent(goMarshal(value), indent);
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * Calls `visit` for each character of `json` outside strings, and `copyString` for each whole
 * string token (quotes included). The input is assumed to be valid JSON.
 */
function scan(json: string, visit: (c: string, i: number) => void, copyString: (s: string) => void): void {
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c !== '"') {
      visit(c, i);
      continue;
    }
    let end = i + 1;
    while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
    copyString(json.slice(i, end + 1));
    i = end;
  }
}

/** What json.Marshal does to a MarshalJSON result: insignificant space dropped, strings HTML-escaped. */
export function goCompact(json: string): string {
  let out = '';
  scan(
    json,
    (c) => {
      if (!isSpace(c)) out += c;
    },
    (s) => {
      out += escapeHtml(s);
    },
  );
  return out;
}

/**
 * json.Indent(dst, src, "", indent): strings copied as they are (no escaping added); space before
 * the value is dropped, space after it kept (so a manifest ending in a newline still does).
 */
export function goIndent(json: string, indent: string): string {
  const trailing = /[ \t\n\r]*$/.exec(json)![0];
  let out = '';
  let depth = 0;
  // After `{` or `[`: the newline is written only if the container turns out not to be empty.
  let pendingOpen = false;
  const newline = () => '\n' + indent.repeat(depth);
  const flushOpen = () => {
    if (!pendingOpen) return;
    pendingOpen = false;
    depth++;
    out += newline();
  };
  scan(
    json,
    (c) => {
      if (isSpace(c)) return;
      if ((c === '}' || c === ']') && pendingOpen) {
        pendingOpen = false;
        out += c;
        return;
      }
      flushOpen();
      if (c === '{' || c === '[') {
        out += c;
        pendingOpen = true;
      } else if (c === '}' || c === ']') {
        depth--;
        out += newline() + c;
      } else if (c === ',') {
        out += ',' + newline();
      } else if (c === ':') {
        out += ': ';
      } else {
        out += c;
      }
    },
    (s) => {
      flushOpen();
      out += s;
    },
  );
  return out + trailing;
}

/**
 * The raw text of each member of a top-level JSON object, in order: what Go hands a member's
 * UnmarshalJSON (docker keeps a stored manifest's text exactly as the file holds it).
 */
export function objectMemberTexts(json: string): Map<string, string> {
  const members = new Map<string, string>();
  let depth = 0;
  let key: string | undefined;
  let expectKey = true;
  let valueStart = -1;
  const finish = (end: number) => {
    if (key !== undefined && valueStart >= 0) members.set(key, json.slice(valueStart, end).trim());
    key = undefined;
    valueStart = -1;
  };
  scan(
    json,
    (c, i) => {
      if (c === '{' || c === '[') depth++;
      if (depth === 1 && c === ':') valueStart = i + 1;
      if (depth === 1 && c === ',') {
        finish(i);
        expectKey = true;
      }
      if (c === '}' || c === ']') {
        if (depth === 1) finish(i);
        depth--;
      }
    },
    (s) => {
      if (depth === 1 && expectKey) {
        key = JSON.parse(s) as string;
        expectKey = false;
      }
    },
  );
  return members;
}
