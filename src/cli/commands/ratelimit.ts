// `regctl ratelimit [REF]`: Docker Hub's pull quota for the current credentials, read from a
// manifest HEAD (which does not spend a pull).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface RateLimitFlags {
  format?: string;
}

export function registerRatelimit(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('ratelimit')
    .description("Show Docker Hub's pull rate limit for your credentials (without spending a pull)")
    .argument('[ref]', 'image to probe (default ratelimitpreview/test:latest, as Docker documents)')
    .option('--format <format>', "'json' for one JSON object")
    .addHelpText(
      'after',
      `
Anonymous quotas are counted per IP address (Source), authenticated ones per account:
log in (regctl login) to see and use your account's quota.

Examples:
  regctl ratelimit
  regctl ratelimit --format json
  regctl ratelimit registry.example.com/team/app:1.0`,
    )
    .action(async (input: string | undefined, flags: RateLimitFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (flags.format !== undefined && flags.format !== 'json') throw new UsageError(`unsupported --format ${JSON.stringify(flags.format)}: only 'json' is supported`);
      const { parseReference } = await import('../../reference/parse.js');
      const { RATE_LIMIT_PROBE, probeRateLimit } = await import('../../ops/rate-limit-probe.js');
      const ref = parseReference(input ?? RATE_LIMIT_PROBE);
      await withErrorContext({ action: 'ratelimit', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
        const rl = await probeRateLimit(await ctx.remote(), ref, { signal: ctx.signal });
        const { isAnonymousSource, resetText, shortDuration } = await import('../rate-limit-text.js');
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
    });
}
