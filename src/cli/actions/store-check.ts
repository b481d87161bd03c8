// What `regctl store check` does (the registration is commands/store.ts): one line per problem,
// what --repair removed, a summary; problems found make the exit code 1, as fsck's does.
import { RegctlError } from '../../errors.js';
import type { CliContext } from '../context.js';

export interface StoreCheckFlags {
  repair?: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function runStoreCheck(ctx: CliContext, flags: StoreCheckFlags): Promise<void> {
  const store = await ctx.store({ create: false });
  const result = await store.check(flags.repair ? { repair: true } : {});
  for (const problem of result.problems) ctx.out(problem.message);
  for (const digest of result.removedBlobs) ctx.out(`removed blob ${digest}`);
  for (const entry of result.removedEntries) ctx.out(`removed image ${entry}`);
  const found = result.problems.length === 0 ? 'no problems found' : `${plural(result.problems.length, 'problem')} found`;
  ctx.out(`Checked ${plural(result.blobs, 'blob')} and ${plural(result.entries, 'image')}: ${found}`);
  if (result.problems.length === 0) return;
  const hint = flags.repair
    ? result.removedEntries.length > 0
      ? 'pull the removed images again'
      : undefined
    : "run 'regctl store check --repair' to remove what is broken";
  throw new RegctlError('REGCTL_STORE_CORRUPT', `store ${store.dir} has ${plural(result.problems.length, 'problem')}`, hint ? { hint } : {});
}
