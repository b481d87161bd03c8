// `regctl images [REPOSITORY[:TAG]]`: the images in the local store, as `docker images` lists them.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface ImagesFlags {
  quiet?: boolean;
  digests?: boolean;
  trunc?: boolean;
  format?: string;
}

export function registerImages(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('images')
    .description('List images in the local store')
    .argument('[repository]', 'only images whose REPOSITORY[:TAG] matches (familiar or full name; * and ? wildcards)')
    .option('-q, --quiet', 'only show image IDs (each once)')
    .option('--digests', 'show the repository digest of each image')
    .option('--no-trunc', "don't truncate output (full image IDs)")
    .option('--format <format>', "'table', 'table TEMPLATE', 'json', or a Go template, e.g. '{{.Repository}}:{{.Tag}}'")
    .addHelpText(
      'after',
      `
Examples:
  regctl images
  regctl images busybox --digests
  regctl images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
  regctl images --format 'table {{.Repository}}\\t{{.ID}}'
  regctl images --format json`,
    )
    .action(async (pattern: string | undefined, flags: ImagesFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { listLocalImages } = await import('../../ops/local-image.js');
      const { summarizeImages } = await import('../../ops/image-summary.js');
      const { referenceMatcher } = await import('../../ops/reference-filter.js');
      const { IMAGE_ROW_KIND, imageFormat, imageRows } = await import('../format/image-rows.js');
      const { formatRecords } = await import('../format/format-records.js');
      const match = pattern === undefined ? undefined : referenceMatcher(pattern);
      const quiet = !!flags.quiet;
      const digests = !!flags.digests;
      const format = imageFormat(flags.format, { quiet, digests });

      const images = await listLocalImages(await ctx.store({ create: false }));
      for (const image of images) if (image.problem) ctx.warnOnce(`${image.name ?? image.id}: ${image.problem}`);
      let rows = imageRows(summarizeImages(images, match), {
        digests,
        formatHasDigest: format.includes('{{.Digest}}'),
        trunc: flags.trunc !== false,
        now: Date.now(),
      });
      // -q lists each image once, so that `regctl rmi $(regctl images -q)` names each image once.
      if (quiet && (!flags.format || flags.format === 'table')) rows = rows.filter((r, i) => rows.findIndex((o) => o.ID === r.ID) === i);
      ctx.io.stdout.write(formatRecords(format, rows, IMAGE_ROW_KIND));
    });
}
