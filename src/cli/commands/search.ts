// `regctl search [OPTIONS] TERM`: docker search (Docker Hub's v1 search, docker's table, filters
// and formats), plus what docker cannot do: private registries through their catalog, and
// `--list-tags` as podman has it.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface SearchFlags {
  filter?: string[];
  format?: string;
  limit?: string;
  trunc?: boolean;
  listTags?: boolean;
}

const AUTOMATED_WARNING =
  'WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** pflag's IntVar: an optional sign and decimal digits. */
function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim())) throw new UsageError(`invalid argument "${raw}" for "--limit" flag: not an integer`);
  return Number(raw.trim());
}

export function registerSearch(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('search')
    .description('Search Docker Hub (or a registry: HOST/TERM) for images')
    .argument('<term>', 'what to search for; HOST/TERM searches that registry, HOST/ lists all of its repositories')
    .option('-f, --filter <filter>', 'filter output: stars=N, is-official=true|false, is-automated=true|false (repeatable)', collect)
    .option('--format <format>', "'table', 'table TEMPLATE', 'json', or a Go template, e.g. '{{.Name}}: {{.StarCount}}'")
    .option('--limit <n>', 'max number of search results, 1-100 (default 25)')
    .option('--no-trunc', "don't truncate output")
    .option('--list-tags', 'list the tags of the repository TERM names (as podman search --list-tags)')
    .addHelpText(
      'after',
      `
Private registries rarely implement the search API; regctl then matches TERM against the
registry's catalog (/v2/_catalog, which needs the registry:catalog:* permission).

Examples:
  regctl search nginx
  regctl search --filter is-official=true --limit 5 alpine
  regctl search --format '{{.Name}}\\t{{.StarCount}}' redis
  regctl search localhost:5000/team
  regctl search localhost:5000/
  regctl search --list-tags quay.io/prometheus/node-exporter`,
    )
    .action(async (term: string, flags: SearchFlags, cmd: Command) => {
      const ctx = context(cmd);
      const limit = parseLimit(flags.limit);
      const trunc = flags.trunc !== false;
      const { formatRecords } = await import('../format/format-records.js');
      const rowsModule = await import('../format/search-rows.js');
      const format = rowsModule.searchFormat(flags.format, !!flags.listTags);

      if (flags.listTags) {
        if ((flags.filter ?? []).length > 0) throw new UsageError('filters are not applicable to list tags result');
        const { parseRepository } = await import('../../reference/parse.js');
        const repo = parseRepository(term);
        await withErrorContext({ action: 'tags', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
          const { searchTags } = await import('../../ops/search.js');
          const rows = await searchTags(await ctx.remote(), term, { ...(limit !== undefined ? { limit } : {}), signal: ctx.signal });
          ctx.io.stdout.write(formatRecords(format, rowsModule.tagListRows(rows), rowsModule.TAG_ROW_KIND));
        });
        return;
      }

      // docker warns before the filters are validated.
      if ((flags.filter ?? []).some((f) => f.includes('=') && f.slice(0, f.indexOf('=')).trim().toLowerCase() === 'is-automated')) {
        ctx.err(AUTOMATED_WARNING);
      }
      const { parseSearchFilters } = await import('../../ops/search-filters.js');
      const filters = parseSearchFilters(flags.filter ?? []);
      const { parseSearchTerm } = await import('../../reference/search-term.js');
      const target = parseSearchTerm(term);
      await withErrorContext({ action: 'search', registry: target.registry }, async () => {
        const { search } = await import('../../ops/search.js');
        const outcome = await search(await ctx.remote(), target, { ...(limit !== undefined ? { limit } : {}), filters, signal: ctx.signal });
        if (outcome.source === 'catalog') {
          ctx.err(
            outcome.query === ''
              ? `note: listing every repository of ${outcome.registry} from its catalog (/v2/_catalog)`
              : `note: ${outcome.registry} has no search API; results are catalog (/v2/_catalog) names containing "${outcome.query}"`,
          );
        }
        ctx.io.stdout.write(formatRecords(format, rowsModule.searchRows(outcome.results, { trunc }), rowsModule.SEARCH_ROW_KIND));
      });
    });
}
