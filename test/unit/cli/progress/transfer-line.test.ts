// A transferring layer's TTY line at docker's width thresholds, fitted so it never wraps.
import { describe, expect, it } from 'vitest';
import { transferLine } from '../../../../src/cli/progress/transfer-line.js';

describe('transferLine', () => {
  const line = (width: number) => transferLine('aaaaaaaaaaaa', 'Downloading', 1_050_000, 2_150_000, ' 12.3MB/s 4s', width);

  it('keeps the bar above 110 columns and the speed/ETA above 50', () => {
    expect(line(130)).toBe(`aaaaaaaaaaaa: Downloading [${'='.repeat(24)}>${' '.repeat(25)}]   1.05MB/2.15MB 12.3MB/s 4s`);
    expect(line(80)).toBe('aaaaaaaaaaaa: Downloading   1.05MB/2.15MB 12.3MB/s 4s');
    expect(line(50)).toBe('aaaaaaaaaaaa: Downloading   1.05MB/2.15MB');
  });

  it('drops the padding, then cuts, on terminals narrower than the line', () => {
    expect(line(40)).toBe('aaaaaaaaaaaa: Downloading 1.05MB/2.15MB');
    expect(line(30)).toBe('aaaaaaaaaaaa: Downloading 1.05');
    for (const width of [20, 30, 40, 50, 80, 130]) expect(line(width).length).toBeLessThanOrEqual(width);
  });
});
