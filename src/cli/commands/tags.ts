// `regctl tags REPO`: every tag of a repository, one per line, across all pages.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface TagsFlags {
  pageSize?: string;
}

export function registerTags(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('tags')
    .description('List the tags of a repository (follows registry pagination)')
    .argument('<repository>', 'repository name, e.g. busybox, quay.io/org/app, localhost:5000/team/app')
    .option('--page-size <n>', 'ask the registry for N tags per page (registries may ignore it)')
    .addHelpText(
      'after',
      `
Examples:
  regctl tags busybox
  regctl tags ghcr.io/org/app | sort -V | tail -n 1`,
    )
    .action(async (input: string, flags: TagsFlags, cmd: Command) => {
      const ctx = context(cmd);
      const pageSize = flags.pageSize === undefined ? undefined : Number(flags.pageSize);
      if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
        throw new UsageError(`invalid --page-size ${JSON.stringify(flags.pageSize)}: must be a positive integer`);
      }
      const { parseRepository } = await import('../../reference/parse.js');
      const repo = parseRepository(input);
      await withErrorContext({ action: 'tags', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
        const { listTags } = await import('../../store/remote/tags.js');
        const tags = await listTags(await ctx.remote(), repo, { ...(pageSize ? { pageSize } : {}), signal: ctx.signal });
        if (tags.length > 0) ctx.io.stdout.write(tags.join('\n') + '\n');
      });
    });
}
