import { describe, expect, it } from 'vitest';
import { applySearchFilters, parseSearchFilters } from '../../../src/ops/search-filters.js';
import type { SearchResult } from '../../../src/store/remote/v1-search.js';

const r = (name: string, starCount: number, isOfficial = false, isAutomated = false): SearchResult => ({ name, description: '', starCount, isOfficial, isAutomated });

describe('parseSearchFilters', () => {
  it('reads booleans as docker does (true/false/1/0), names case-insensitively, values trimmed', () => {
    expect(parseSearchFilters(['IS-OFFICIAL= 1 '])).toEqual({ isOfficial: true });
    expect(parseSearchFilters(['is-official=0'])).toEqual({ isOfficial: false });
  });

  it('rejects contradicting values of one boolean filter', () => {
    expect(() => parseSearchFilters(['is-official=true', 'is-official=false'])).toThrow("invalid filter 'is-official=[true false]'");
  });

  it('accepts signed integers for stars (strconv.Atoi) and keeps the largest', () => {
    expect(parseSearchFilters(['stars=+5', 'stars=-2', 'stars=3'])).toEqual({ stars: 5 });
    expect(() => parseSearchFilters(['stars=1.5'])).toThrow("invalid filter 'stars=1.5'");
  });

  it('is-automated=true short-cuts before the other filters are read (moby returns no results)', () => {
    expect(parseSearchFilters(['is-automated=true', 'is-official=maybe'])).toEqual({ isAutomated: true });
  });

  it('throws usage errors (exit 2)', () => {
    expect(() => parseSearchFilters(['nope=1'])).toThrow(expect.objectContaining({ code: 'REGCTL_USAGE' }));
  });
});

describe('applySearchFilters', () => {
  const results = [r('a', 10, true), r('b', 5, false, true), r('c', 0)];

  it('combines stars and is-official, and forces is_automated to false', () => {
    expect(applySearchFilters(results, { stars: 5, isOfficial: false })).toEqual([r('b', 5)]);
  });

  it('is-automated=true matches nothing; is-automated=false everything', () => {
    expect(applySearchFilters(results, { isAutomated: true })).toEqual([]);
    expect(applySearchFilters(results, { isAutomated: false }).map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });
});
