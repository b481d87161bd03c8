import { describe, expect, it } from 'vitest';
import { tabwrite } from '../../../../src/cli/format/tabwriter.js';

describe('tabwrite (Go text/tabwriter, minwidth 10, padding 3)', () => {
  it('pads columns to the widest cell plus 3, at least 10, and leaves the last cell alone', () => {
    const text = 'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\nbusybox\tlatest\t3f57d9401f8d\t2 weeks ago\t4.26MB\n';
    expect(tabwrite(text)).toBe(
      'REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\n' + 'busybox      latest    3f57d9401f8d   2 weeks ago   4.26MB\n',
    );
  });

  it('prints the header alone when there are no rows', () => {
    expect(tabwrite('REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n')).toBe('REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
  });

  it('counts characters, not bytes', () => {
    expect(tabwrite('é\tx\nab\ty\n')).toBe('é         x\nab        y\n');
  });

  it('sizes a column per block of consecutive lines that have it', () => {
    // The middle line has no tab, so the lines before and after it are separate blocks.
    expect(tabwrite('a-very-long-cell\tx\nplain\nb\ty\n')).toBe('a-very-long-cell   x\nplain\nb         y\n');
  });

  it('pads a cell before a trailing tab and keeps text without a final newline', () => {
    expect(tabwrite('a\t\nb\tc')).toBe('a         \nb         c');
  });
});
