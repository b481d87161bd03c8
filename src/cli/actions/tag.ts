// What `regctl tag` does (the registration is commands/tag.ts): a new name for an image in the local store.
import { tagImage } from '../../ops/tag-image.js';
import type { CliContext } from '../context.js';

export async function runTag(ctx: CliContext, source: string, target: string): Promise<void> {
  await tagImage(await ctx.store({ create: false }), source, target);
}
