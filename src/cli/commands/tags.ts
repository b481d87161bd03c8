// `regctl tags REPO`: every tag of a repository, one per line, across all pages.
// The flags and help; the work is actions/tags.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { TagsFlags } from '../actions/tags.js';
import type { CliContext } from '../context.js';

export function registerTags(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('tags')
    .description('List the tags of a repository (follows registry pagination)')
    .argument('<repository>', 'repository name, e.g. busybox, quay.io/org/app, localhost:5000/team/app')
    .option('--page-size <n>', 'ask the registry for N tags per page (registries may ignore it)')
    .option('--digests', 'also show the digest each tag points at (one HEAD per tag, no pull counted)')
    .option('--format <format>', "'table', 'table TEMPLATE', 'json' or a Go template (fields .Repository .Tag .Digest)")
    .addHelpText(
      'after',
      `
Examples:
  regctl tags busybox
  regctl tags ghcr.io/org/app | sort -V | tail -n 1
  regctl tags --digests localhost:5000/team/app
  regctl tags --format '{{.Tag}} {{.Digest}}' localhost:5000/team/app`,
    )
    .action(async (input: string, flags: TagsFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runTags } = await import('../actions/tags.js');
      await runTags(ctx, input, flags);
    });
}
