// What `regctl digest` does (the registration is commands/digest.ts): the manifest digest, from a
// HEAD request (no pull counted on Docker Hub).
import { manifestDigest } from '../../ops/manifest-digest.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

export async function runDigest(ctx: CliContext, input: string): Promise<void> {
  const ref = parseReference(input);
  await withErrorContext({ action: 'digest', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
    const { digest, via } = await manifestDigest(await ctx.remote(), ref, { signal: ctx.signal });
    if (via === 'get') ctx.debug(`${ref.registry} sent no Docker-Content-Digest on HEAD; the manifest was fetched to compute it`);
    ctx.out(digest);
  });
}
