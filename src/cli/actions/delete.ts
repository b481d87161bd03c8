// What `regctl delete` does (the registration is commands/delete.ts): one DELETE (or the tag-only
// dance, store/remote/delete.ts), then the digest on stdout; --dry-run says what would go.
import { UsageError } from '../../errors.js';
import { deleteImage } from '../../ops/delete.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

export interface DeleteFlags {
  tagOnly?: boolean;
  dryRun?: boolean;
}

export async function runDelete(ctx: CliContext, input: string, flags: DeleteFlags): Promise<void> {
  const ref = parseReference(input);
  if (flags.tagOnly && (ref.digest || ref.tagDefaulted)) throw new UsageError('--tag-only needs NAME:TAG (a tag, not a digest)');
  const context = { action: 'delete' as const, ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry };
  await withErrorContext(context, async () => {
    const result = await deleteImage(await ctx.remote(), ref, { signal: ctx.signal, tagOnly: !!flags.tagOnly, dryRun: !!flags.dryRun });
    if (result.dryRun) {
      ctx.out(`Would delete ${result.target}${flags.tagOnly ? ` (now ${result.digest})` : ''}`);
      return;
    }
    if (result.method) ctx.debug(`tag removed by ${result.method}`);
    ctx.out(result.digest);
  });
}
