// Text that came from a registry (tag and repository names, error messages) on its way to a
// terminal: control characters are shown escaped, so an ESC/OSC sequence cannot set the title
// or clear the screen, and a CR or LF cannot forge another tag or a second `Error:` line.
// Tab stays (tables use it); everything else below 0x20, DEL and the C1 range is escaped, and LF
// too unless the caller's text is several lines of its own (`keepNewlines`).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

export function escapeControls(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(CONTROL, (c) => (c === '\n' && opts.keepNewlines ? c : (NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)));
}
