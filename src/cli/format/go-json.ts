// JSON text the way Go's encoding/json writes it, for output that scripts compare with docker's:
// U+2028/U+2029 always escaped, and `<`, `>`, `&` escaped as \u003c... when docker's encoder
// escapes HTML (json.Marshal does; the `json` template function does not).

/** A value that serialises itself, like a Go type with a MarshalJSON method. */
export const GO_MARSHAL_JSON: unique symbol = Symbol('regctl.goMarshalJSON');

export interface GoJsonMarshaler {
  [GO_MARSHAL_JSON](): string;
}

export interface GoJsonOptions {
  escapeHtml?: boolean;
  /** MarshalIndent's indent (docker inspect uses four spaces). */
  indent?: string;
}

function isMarshaler(value: unknown): value is GoJsonMarshaler {
  return typeof value === 'object' && value !== null && typeof (value as Partial<GoJsonMarshaler>)[GO_MARSHAL_JSON] === 'function';
}

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function goJson(value: unknown, opts: GoJsonOptions = {}): string {
  if (isMarshaler(value)) return value[GO_MARSHAL_JSON]();
  // undefined is Go's nil; these characters only ever occur inside JSON strings, so a textual
  // replacement is exact.
  let text = JSON.stringify(value ?? null, null, opts.indent) ?? 'null';
  text = text.replace(/[\u2028\u2029]/g, hex4);
  if (opts.escapeHtml) text = text.replace(/[<>&]/g, hex4);
  return text;
}
