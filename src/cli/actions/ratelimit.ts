// What `regctl ratelimit` does once its flags are parsed (the registration is commands/ratelimit.ts):
// Docker Hub's pull quota for the current credentials, read from a manifest HEAD.
import { UsageError } from '../../errors.js';
import { RATE_LIMIT_PROBE, probeRateLimit } from '../../ops/rate-limit-probe.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { isAnonymousSource, resetText, shortDuration } from '../rate-limit-text.js';

export interface RateLimitFlags {
  format?: string;
}

export async function runRatelimit(ctx: CliContext, input: string | undefined, flags: RateLimitFlags): Promise<void> {
  if (flags.format !== undefined && flags.format !== 'json') throw new UsageError(`unsupported --format ${JSON.stringify(flags.format)}: only 'json' is supported`);
  const ref = parseReference(input ?? RATE_LIMIT_PROBE);
  await withErrorContext({ action: 'ratelimit', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
    const rl = await probeRateLimit(await ctx.remote(), ref, { signal: ctx.signal });
    if (flags.format === 'json') {
      ctx.out(JSON.stringify({ registry: ref.registry, reference: ref.toString(), ...(rl ?? {}) }));
      return;
    }
    if (!rl) {
      ctx.out(`${ref.registry} sent no rate-limit headers for ${ref.familiar()}: it reports no pull quota`);
      return;
    }
    const lines: [string, string | undefined][] = [
      ['Registry', ref.registry],
      ['Limit', rl.limit?.toString()],
      ['Remaining', rl.remaining?.toString()],
      ['Window', rl.windowSeconds === undefined ? undefined : `${shortDuration(rl.windowSeconds)} (${rl.windowSeconds}s)`],
      ['Reset', rl.reset === undefined ? undefined : resetText(rl.reset)],
      ['Source', rl.source === undefined ? undefined : `${rl.source}${isAnonymousSource(rl.source) ? ' (anonymous: counted per IP address)' : ''}`],
    ];
    for (const [key, value] of lines) if (value !== undefined) ctx.out(`${`${key}:`.padEnd(11)}${value}`);
  });
}
