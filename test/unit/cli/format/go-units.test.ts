import { describe, expect, it } from 'vitest';
import { goFormatG, goTimeString, humanDuration, humanSize } from '../../../../src/cli/format/go-units.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

describe('humanDuration (go-units HumanDuration)', () => {
  // The table of docker/go-units duration_test.go.
  it.each([
    [450, 'Less than a second'],
    [-5 * SECOND, 'Less than a second'],
    [1 * SECOND, '1 second'],
    [45 * SECOND, '45 seconds'],
    [59 * SECOND, '59 seconds'],
    [60 * SECOND, 'About a minute'],
    [3 * MINUTE, '3 minutes'],
    [35 * MINUTE + 40 * SECOND, '35 minutes'],
    [59 * MINUTE, '59 minutes'],
    [1 * HOUR, 'About an hour'],
    [1 * HOUR + 29 * MINUTE, 'About an hour'],
    [1 * HOUR + 31 * MINUTE, '2 hours'],
    [3 * HOUR + 29 * MINUTE, '3 hours'],
    [3 * HOUR + 31 * MINUTE, '4 hours'],
    [24 * HOUR, '24 hours'],
    [1 * DAY + 12 * HOUR, '36 hours'],
    [2 * DAY, '2 days'],
    [13 * DAY + 5 * HOUR, '13 days'],
    [2 * WEEK, '2 weeks'],
    [2 * WEEK + 4 * DAY, '2 weeks'],
    [4 * WEEK + 3 * DAY, '4 weeks'],
    [1 * MONTH + 2 * WEEK, '6 weeks'],
    [2 * MONTH, '2 months'],
    [5 * MONTH + 2 * WEEK, '5 months'],
    [24 * MONTH, '24 months'],
    [24 * MONTH + 2 * WEEK, '2 years'],
    [3 * YEAR + 2 * MONTH, '3 years'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('humanSize (go-units HumanSizeWithPrecision)', () => {
  it.each([
    [0, 3, '0B'],
    [999, 3, '999B'],
    [1000, 3, '1kB'],
    [2_152_000, 3, '2.15MB'],
    [4_261_550, 3, '4.26MB'],
    [4_261_550, 4, '4.262MB'],
    [77_800_000, 3, '77.8MB'],
    [123_456_789, 3, '123MB'],
    [1_500_000_000, 3, '1.5GB'],
    // Go's %.3g switches to exponent form when rounding reaches 1000, and docker prints that.
    [999_700, 3, '1e+03kB'],
  ])('%d bytes at precision %d -> %s', (bytes, precision, text) => {
    expect(humanSize(bytes, precision)).toBe(text);
  });

  it('formats like Go %g', () => {
    expect(goFormatG(2.5, 4)).toBe('2.5');
    expect(goFormatG(12345, 3)).toBe('1.23e+04');
    expect(goFormatG(100, 3)).toBe('100');
  });
});

describe('goTimeString', () => {
  it('prints time.Time.String() in UTC', () => {
    expect(goTimeString(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01 00:00:00 +0000 UTC');
    expect(goTimeString(new Date('2023-07-08T09:10:11.900Z'))).toBe('2023-07-08 09:10:11 +0000 UTC');
  });
});
