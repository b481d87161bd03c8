// What `regctl search` does once its flags are parsed (the registration is commands/search.ts):
// docker search (Docker Hub's v1 search, docker's table, filters and formats), a private
// registry's catalog when it has no search API, and podman's `--list-tags`.
import { UsageError } from '../../errors.js';
import { search, searchTags } from '../../ops/search.js';
import { parseSearchFilters } from '../../ops/search-filters.js';
import { parseRepository } from '../../reference/parse.js';
import { parseSearchTerm } from '../../reference/search-term.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { formatRecords } from '../format/format-records.js';
import { SEARCH_ROW_KIND, TAG_ROW_KIND, searchFormat, searchRows, tagListRows } from '../format/search-rows.js';

export interface SearchFlags {
  filter?: string[];
  format?: string;
  limit?: string;
  trunc?: boolean;
  listTags?: boolean;
}

const AUTOMATED_WARNING =
  'WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.';

export async function runSearch(ctx: CliContext, term: string, flags: SearchFlags): Promise<void> {
  const limit = parseLimit(flags.limit);
  const trunc = flags.trunc !== false;
  const format = searchFormat(flags.format, !!flags.listTags);

  if (flags.listTags) {
    if ((flags.filter ?? []).length > 0) throw new UsageError('filters are not applicable to list tags result');
    const repo = parseRepository(term);
    await withErrorContext({ action: 'tags', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
      const rows = await searchTags(await ctx.remote(), term, { ...(limit !== undefined ? { limit } : {}), signal: ctx.signal });
      ctx.io.stdout.write(formatRecords(format, tagListRows(rows), TAG_ROW_KIND));
    });
    return;
  }

  // docker warns before the filters are validated.
  if ((flags.filter ?? []).some((f) => f.includes('=') && f.slice(0, f.indexOf('=')).trim().toLowerCase() === 'is-automated')) {
    ctx.err(AUTOMATED_WARNING);
  }
  const filters = parseSearchFilters(flags.filter ?? []);
  const target = parseSearchTerm(term);
  await withErrorContext({ action: 'search', registry: target.registry }, async () => {
    const outcome = await search(await ctx.remote(), target, { ...(limit !== undefined ? { limit } : {}), filters, signal: ctx.signal });
    if (outcome.source === 'catalog') {
      ctx.err(
        outcome.query === ''
          ? `note: listing every repository of ${outcome.registry} from its catalog (/v2/_catalog)`
          : `note: ${outcome.registry} has no search API; results are catalog (/v2/_catalog) names containing "${outcome.query}"`,
      );
    }
    ctx.io.stdout.write(formatRecords(format, searchRows(outcome.results, { trunc }), SEARCH_ROW_KIND));
  });
}

/** pflag's IntVar: an optional sign and decimal digits. */
function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim())) throw new UsageError(`invalid argument "${raw}" for "--limit" flag: not an integer`);
  return Number(raw.trim());
}
