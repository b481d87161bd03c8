// `regctl ratelimit [REF]`: Docker Hub's pull quota for the current credentials, read from a
// manifest HEAD (which does not spend a pull).
// The flags and help; the work is actions/ratelimit.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { RateLimitFlags } from '../actions/ratelimit.js';
import type { CliContext } from '../context.js';

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
      const { runRatelimit } = await import('../actions/ratelimit.js');
      await runRatelimit(ctx, input, flags);
    });
}
