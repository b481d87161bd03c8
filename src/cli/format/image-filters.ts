// docker images' --filter KEY=VALUE, as far as a daemonless store has the data: `dangling`
// (true: images without a tag, false: with one) and `reference` (the REPOSITORY[:TAG]
// pattern, several ORed as docker does). Other keys docker knows (before, since, label) are
// refused with docker's wording rather than silently ignored.
import { UsageError } from '../../errors.js';
import type { ImageSummary } from '../../ops/image-summary.js';

export interface ImageFilters {
  dangling?: boolean;
  references: string[];
}

export function parseImageFilters(values: readonly string[] = []): ImageFilters {
  const filters: ImageFilters = { references: [] };
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad format of filter (expected name=value)`);
    const key = value.slice(0, eq).toLowerCase();
    const arg = value.slice(eq + 1);
    if (key === 'reference') filters.references.push(arg);
    else if (key === 'dangling') {
      if (!/^(true|false|1|0)$/i.test(arg)) throw new UsageError(`invalid filter 'dangling=${arg}'`);
      filters.dangling = /^(true|1)$/i.test(arg);
    } else throw new UsageError(`invalid filter '${key}'`);
  }
  return filters;
}

/** docker's dangling filter: an image is dangling when no tag names it. */
export function keepByDangling(summaries: readonly ImageSummary[], dangling: boolean | undefined): ImageSummary[] {
  return dangling === undefined ? [...summaries] : summaries.filter((s) => (s.repoTags.length === 0) === dangling);
}
