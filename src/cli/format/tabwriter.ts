// Go's text/tabwriter as docker configures it for tables (minwidth 10, padding 3, spaces):
// cells end at a tab, the text after a line's last tab is not part of any column, and a column
// is as wide as its widest cell plus padding across each run of consecutive lines that have it.

export interface TabwriterOptions {
  minWidth?: number;
  padding?: number;
}

/** Text width in characters, as Go counts runes. */
const width = (s: string) => [...s].length;

export function tabwrite(text: string, opts: TabwriterOptions = {}): string {
  const minWidth = opts.minWidth ?? 10;
  const padding = opts.padding ?? 3;
  const endsWithNewline = text.endsWith('\n');
  const raw = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const lines = text === '' ? [] : raw.map((l) => l.split('\t'));
  const out: string[] = [];

  const writeLines = (widths: number[], from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      cells.forEach((cell, j) => {
        out.push(cell);
        const w = widths[j];
        if (w !== undefined && j < cells.length - 1) out.push(' '.repeat(Math.max(0, w - width(cell))));
      });
      if (i < lines.length - 1 || endsWithNewline) out.push('\n');
    }
  };

  // Go's format(): find each block of lines that have a cell in `column`, size the column for
  // that block, then lay out the columns to its right within the block (recursively).
  const format = (widths: number[], line0: number, line1: number) => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      writeLines(widths, start, i);
      start = i;
      let w = minWidth;
      let end = i;
      for (; end < line1 && column < lines[end]!.length - 1; end++) {
        w = Math.max(w, width(lines[end]![column]!) + padding);
      }
      format([...widths, w], start, end);
      start = end;
      i = end;
    }
    writeLines(widths, start, line1);
  };

  format([], 0, lines.length);
  return out.join('');
}
