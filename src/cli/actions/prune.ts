// What `regctl prune` does (the registration is commands/prune.ts): delete unreferenced blobs and
// stale partial downloads, printed in the shape of docker's `image prune -a`.
import type { CliContext } from '../context.js';
import { humanSize } from '../format/go-units.js';

export async function runPrune(ctx: CliContext): Promise<void> {
  const store = await ctx.store({ create: false });
  // Age 0: a partial is stale as soon as no live process holds its claim.
  const result = await store.gc({ partialMaxAgeMs: 0 });
  for (const doubt of result.doubts) ctx.warnOnce(`nothing was deleted: ${doubt}`);
  if (result.removed.length > 0) {
    ctx.out('Deleted Images:');
    for (const digest of result.removed) ctx.out(`deleted: ${digest}`);
    ctx.out('');
  }
  if (result.stagingRemoved > 0) ctx.out(`Removed ${result.stagingRemoved} partial download file${result.stagingRemoved === 1 ? '' : 's'}`);
  ctx.out(`Total reclaimed space: ${humanSize(result.freedBytes)}`);
}
