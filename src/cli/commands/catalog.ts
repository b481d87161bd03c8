// `regctl catalog HOST`: every repository of a registry, one per line, across all pages.
// The flags and help; the work is actions/catalog.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { CatalogFlags } from '../actions/catalog.js';
import type { CliContext } from '../context.js';

export function registerCatalog(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('catalog')
    .description("List a registry's repositories (GET /v2/_catalog, follows pagination)")
    .argument('<host>', 'registry host[:port], e.g. localhost:5000, registry.example.com')
    .option('--limit <n>', 'print at most N repositories (stops fetching pages once reached)')
    .option('--page-size <n>', 'ask the registry for N repositories per page (registries may cap it)')
    .addHelpText(
      'after',
      `
The catalog needs the registry:catalog:* permission on token registries; Docker Hub has none.

Examples:
  regctl catalog localhost:5000
  regctl catalog registry.example.com --limit 50
  regctl catalog registry.example.com | grep '^team/'`,
    )
    .action(async (input: string, flags: CatalogFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runCatalog } = await import('../actions/catalog.js');
      await runCatalog(ctx, input, flags);
    });
}
