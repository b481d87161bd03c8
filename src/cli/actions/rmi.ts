// What `regctl rmi` does once its flags are parsed (the registration is commands/rmi.ts):
// untag images and delete the content no other image uses.
import { removeImage } from '../../ops/remove-image.js';
import { ArgumentErrors } from '../argument-errors.js';
import type { CliContext } from '../context.js';

export interface RmiFlags {
  force?: boolean;
}

export async function runRmi(ctx: CliContext, inputs: readonly string[], flags: RmiFlags): Promise<void> {
  const store = await ctx.store({ create: false });
  const errors = new ArgumentErrors();
  for (const input of inputs) {
    try {
      const result = await removeImage(store, input, { force: !!flags.force });
      for (const name of result.untagged) ctx.out(`Untagged: ${name}`);
      for (const digest of result.deleted) ctx.out(`Deleted: ${digest}`);
      if (result.gcDoubts.length > 0) ctx.warnOnce(`blobs were kept: ${result.gcDoubts[0]}`);
    } catch (err) {
      errors.add(err);
    }
  }
  // docker: with -f, images that do not exist are reported but are not a failure.
  if (flags.force && errors.count > 0 && errors.allNotFound()) {
    for (const message of errors.messages()) ctx.err(`Error: ${message}`);
    return;
  }
  errors.throwIfAny();
}
