// `regctl search [OPTIONS] TERM`: docker search (Docker Hub's v1 search, docker's table, filters
// and formats), plus what docker cannot do: private registries through their catalog, and
// `--list-tags` as podman has it.
// The flags and help; the work is actions/search.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { SearchFlags } from '../actions/search.js';
import type { CliContext } from '../context.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
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
      const { runSearch } = await import('../actions/search.js');
      await runSearch(ctx, term, flags);
    });
}
