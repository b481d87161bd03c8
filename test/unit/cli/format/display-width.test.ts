import { describe, expect, it } from 'vitest';
import { charWidth, displayWidth, ellipsis } from '../../../../src/cli/format/display-width.js';
import { searchDescription } from '../../../../src/cli/format/search-rows.js';

describe('display width (East Asian Wide and Fullwidth count 2)', () => {
  it.each([
    ['a', 1],
    ['é', 1],
    ['あ', 2],
    ['漢', 2],
    ['한', 2],
    ['Ａ', 2], // fullwidth Latin
    ['ｱ', 1], // halfwidth katakana
    ['😀', 2],
    ['\u{20000}', 2], // CJK extension B
  ])('%s is %i column(s)', (ch, w) => {
    expect(charWidth(ch.codePointAt(0)!)).toBe(w);
  });

  it('sums code points, not UTF-16 units', () => {
    expect(displayWidth('a😀あ')).toBe(5);
  });
});

describe("ellipsis (docker's formatter.Ellipsis at 45 columns)", () => {
  it('keeps text of exactly 45 columns', () => {
    expect(ellipsis('x'.repeat(45), 45)).toBe('x'.repeat(45));
    expect(ellipsis('a' + 'あ'.repeat(22), 45)).toBe('a' + 'あ'.repeat(22));
  });

  it('cuts 46 ASCII columns to 44 characters plus …', () => {
    expect(ellipsis('x'.repeat(46), 45)).toBe('x'.repeat(44) + '…');
  });

  it('never splits a wide character: the prefix is at most 44 columns', () => {
    expect(ellipsis('あ'.repeat(23), 45)).toBe('あ'.repeat(22) + '…');
    // 'a' + 21 wide = 43 columns; one more wide character would be 45 > 44.
    expect(ellipsis('a' + 'あ'.repeat(23), 45)).toBe('a' + 'あ'.repeat(21) + '…');
    expect(ellipsis('ab' + 'あ'.repeat(22), 45)).toBe('ab' + 'あ'.repeat(21) + '…');
  });

  it('handles astral characters as one rune', () => {
    expect(ellipsis('😀'.repeat(30), 45)).toBe('😀'.repeat(22) + '…');
  });
});

describe('searchDescription', () => {
  it('folds CR and LF to one space each, then truncates unless told not to', () => {
    expect(searchDescription('a\r\nb\nc', true)).toBe('a  b c');
    const long = `${'word '.repeat(20)}\nend`;
    expect(searchDescription(long, true)).toBe(`${long.replace(/\n/g, ' ').slice(0, 44)}…`);
    expect(searchDescription(long, false)).toBe(long.replace(/\n/g, ' '));
  });
});
