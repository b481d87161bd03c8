// What `regctl save` does once its flags are parsed (the registration is commands/save.ts):
// docker save's tar (Engine >= 25 format) from the local store, to a file or stdout.
import { UsageError } from '../../errors.js';
import { saveImages, saveImagesToFile } from '../../ops/save.js';
import { outputSink } from '../archive-output.js';
import type { CliContext } from '../context.js';

export interface SaveFlags {
  output?: string;
}

export async function runSave(ctx: CliContext, images: readonly string[], flags: SaveFlags): Promise<void> {
  if (!flags.output && ctx.io.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const store = await ctx.store({ create: false });
  if (flags.output) await saveImagesToFile(store, images, flags.output, { signal: ctx.signal });
  else await saveImages(store, images, outputSink(ctx.io.stdout), { signal: ctx.signal });
}
