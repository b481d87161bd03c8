// What `regctl tags` does once its flags are parsed (the registration is commands/tags.ts):
// every tag of a repository, one per line or formatted, across all pages.
import { UsageError } from '../../errors.js';
import { tagDigests } from '../../ops/tag-digests.js';
import { parseRepository } from '../../reference/parse.js';
import { listTags } from '../../store/remote/tags.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { formatRecords } from '../format/format-records.js';
import { TAG_RECORD_KIND, tagsFormat } from '../format/tag-rows.js';
import { escapeControls } from '../terminal-text.js';

export interface TagsFlags {
  pageSize?: string;
  format?: string;
  digests?: boolean;
}

export async function runTags(ctx: CliContext, input: string, flags: TagsFlags): Promise<void> {
  const pageSize = flags.pageSize === undefined ? undefined : Number(flags.pageSize);
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
    throw new UsageError(`invalid --page-size ${JSON.stringify(flags.pageSize)}: must be a positive integer`);
  }
  const repo = parseRepository(input);
  await withErrorContext({ action: 'tags', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
    const remote = await ctx.remote();
    const tags = await listTags(remote, repo, { ...(pageSize ? { pageSize } : {}), signal: ctx.signal });
    const format = tagsFormat(flags.format, !!flags.digests);
    if (format === undefined) {
      if (tags.length > 0) ctx.io.stdout.write(tags.map((t) => escapeControls(t)).join('\n') + '\n');
      return;
    }
    const wantDigests = !!flags.digests || format.includes('.Digest') || format === 'json';
    const digests = wantDigests ? await tagDigests(remote, repo, tags, { signal: ctx.signal }) : new Map<string, string>();
    // A tag with a CR or LF must not print as two records (JSON keeps it exact).
    const shown = (tag: string) => (format === 'json' ? tag : escapeControls(tag));
    const records = tags.map((tag) => ({ Repository: repo.familiarName(), Tag: shown(tag), Digest: digests.get(tag) ?? '<none>' }));
    ctx.io.stdout.write(formatRecords(format, records, TAG_RECORD_KIND));
  });
}
