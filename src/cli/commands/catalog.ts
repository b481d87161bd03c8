// `regctl catalog HOST`: every repository of a registry, one per line, across all pages.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface CatalogFlags {
  limit?: string;
  pageSize?: string;
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(raw)}: must be a positive integer`);
  }
  return n;
}

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
      const limit = positiveInt('--limit', flags.limit);
      const pageSize = positiveInt('--page-size', flags.pageSize);
      const { normalizeRegistryHost } = await import('../../reference/hosts.js');
      const registry = normalizeRegistryHost(input);
      await withErrorContext({ action: 'catalog', registry }, async () => {
        const { listCatalog } = await import('../../store/remote/catalog.js');
        const repositories = await listCatalog(await ctx.remote(), registry, {
          ...(limit !== undefined ? { limit } : {}),
          ...(pageSize !== undefined ? { pageSize } : {}),
          signal: ctx.signal,
        });
        if (repositories.length > 0) ctx.io.stdout.write(repositories.join('\n') + '\n');
      });
    });
}
