// `regctl inspect [--format T] IMAGE...`: what `docker image inspect` shows, from the local store.
// The flags and help; the work is actions/inspect.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { InspectFlags } from '../actions/inspect.js';
import type { CliContext } from '../context.js';

export function registerInspect(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('inspect')
    .description('Display detailed information on one or more images in the local store')
    .argument('<images...>', 'names or image IDs (prefix)')
    .option('-f, --format <format>', "'json' (one line) or a Go template, e.g. '{{.Id}}' or '{{json .Config.Env}}'")
    .addHelpText(
      'after',
      `
Examples:
  regctl inspect busybox
  regctl inspect --format '{{.Architecture}}/{{.Os}} {{.Size}}' busybox
  regctl inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' app:1.0`,
    )
    .action(async (inputs: string[], flags: InspectFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runInspect } = await import('../actions/inspect.js');
      await runInspect(ctx, inputs, flags);
    });
}
