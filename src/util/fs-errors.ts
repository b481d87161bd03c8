// Turns Node fs/JSON failures into short, path-free, secret-free reasons for ConfigError messages.

/** `EACCES: permission denied` from "EACCES: permission denied, open '/x/config.json'" (the caller names the file). */
export function describeFsError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const match = /^([A-Z][A-Z0-9_]*): ([\s\S]*?), \w+(?: '[\s\S]*')?$/.exec(err.message);
  if (match) return `${match[1]}: ${match[2]}`;
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
}

/**
 * V8's JSON.parse messages quote the offending source text ("Unexpected token '}', "{"auth":…" is
 * not valid JSON"), and a config file holds credentials, so the quote is dropped and a byte
 * position is turned into line and column, which is what a person fixing the file needs.
 */
export function describeJsonError(err: unknown, text: string): string {
  let message = err instanceof Error ? err.message : String(err);
  const token = /^(Unexpected token '[\s\S]{1,2}'), [\s\S]*is not valid JSON$/.exec(message);
  if (token?.[1]) message = token[1];
  else if (message.endsWith('is not valid JSON')) message = 'invalid JSON';
  const position = / at position (\d+)/.exec(message);
  if (position?.[1]) {
    const { line, column } = lineColumn(text, Number(position[1]));
    message = message.replace(position[0], ` at line ${line} column ${column}`);
  }
  return message;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
