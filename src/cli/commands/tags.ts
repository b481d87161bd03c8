// `regctl tags REPO`: every tag of a repository, one per line, across all pages.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface TagsFlags {
  pageSize?: string;
  format?: string;
  digests?: boolean;
}

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
      const pageSize = flags.pageSize === undefined ? undefined : Number(flags.pageSize);
      if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
        throw new UsageError(`invalid --page-size ${JSON.stringify(flags.pageSize)}: must be a positive integer`);
      }
      const { parseRepository } = await import('../../reference/parse.js');
      const repo = parseRepository(input);
      await withErrorContext({ action: 'tags', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
        const { listTags } = await import('../../store/remote/tags.js');
        const remote = await ctx.remote();
        const tags = await listTags(remote, repo, { ...(pageSize ? { pageSize } : {}), signal: ctx.signal });
        const { tagsFormat, TAG_RECORD_KIND } = await import('../format/tag-rows.js');
        const format = tagsFormat(flags.format, !!flags.digests);
        if (format === undefined) {
          if (tags.length > 0) ctx.io.stdout.write(tags.join('\n') + '\n');
          return;
        }
        const wantDigests = !!flags.digests || format.includes('.Digest') || format === 'json';
        const { tagDigests } = await import('../../ops/tag-digests.js');
        const digests = wantDigests ? await tagDigests(remote, repo, tags, { signal: ctx.signal }) : new Map<string, string>();
        const { formatRecords } = await import('../format/format-records.js');
        const records = tags.map((tag) => ({ Repository: repo.familiarName(), Tag: tag, Digest: digests.get(tag) ?? '<none>' }));
        ctx.io.stdout.write(formatRecords(format, records, TAG_RECORD_KIND));
      });
    });
}
