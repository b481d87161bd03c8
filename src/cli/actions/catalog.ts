// What `regctl catalog` does once its flags are parsed (the registration is commands/catalog.ts):
// every repository of a registry, one per line, across all pages.
import { UsageError } from '../../errors.js';
import { normalizeRegistryHost } from '../../reference/hosts.js';
import { listCatalog } from '../../store/remote/catalog.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { escapeControls } from '../terminal-text.js';

export interface CatalogFlags {
  limit?: string;
  pageSize?: string;
}

export async function runCatalog(ctx: CliContext, input: string, flags: CatalogFlags): Promise<void> {
  const limit = positiveInt('--limit', flags.limit);
  const pageSize = positiveInt('--page-size', flags.pageSize);
  const registry = normalizeRegistryHost(input);
  await withErrorContext({ action: 'catalog', registry }, async () => {
    const repositories = await listCatalog(await ctx.remote(), registry, {
      ...(limit !== undefined ? { limit } : {}),
      ...(pageSize !== undefined ? { pageSize } : {}),
      signal: ctx.signal,
    });
    if (repositories.length > 0) ctx.io.stdout.write(repositories.map((r) => escapeControls(r)).join('\n') + '\n');
  });
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(raw)}: must be a positive integer`);
  }
  return n;
}
