// What `regctl images` does once its flags are parsed (the registration is commands/images.ts):
// the images in the local store, as `docker images` lists them.
import { summarizeImages } from '../../ops/image-summary.js';
import { listLocalImages } from '../../ops/local-image.js';
import { referenceMatcher } from '../../ops/reference-filter.js';
import type { CliContext } from '../context.js';
import type { Reference } from '../../reference/parse.js';
import { formatRecords } from '../format/format-records.js';
import { keepByDangling, parseImageFilters } from '../format/image-filters.js';
import { IMAGE_ROW_KIND, imageFormat, imageRows } from '../format/image-rows.js';

export interface ImagesFlags {
  quiet?: boolean;
  digests?: boolean;
  trunc?: boolean;
  format?: string;
  all?: boolean;
  filter?: string[];
}

export async function runImages(ctx: CliContext, pattern: string | undefined, flags: ImagesFlags): Promise<void> {
  const filters = parseImageFilters(flags.filter);
  const patterns = [...(pattern === undefined ? [] : [pattern]), ...filters.references].map(referenceMatcher);
  const match = patterns.length === 0 ? undefined : (ref: Reference) => patterns.some((m) => m(ref));
  const quiet = !!flags.quiet;
  const digests = !!flags.digests;
  const format = imageFormat(flags.format, { quiet, digests });

  // An artifact entry (stored by an older version) is not an image: not listed, not warned about.
  const images = (await listLocalImages(await ctx.store({ create: false }))).filter((i) => i.artifactType === undefined);
  // Only the images this listing is about: a broken entry elsewhere is not this command's business.
  for (const image of images) if (image.problem && (!match || (image.ref && match(image.ref)))) ctx.warnOnce(`${image.name ?? image.id}: ${image.problem}`);
  let rows = imageRows(keepByDangling(summarizeImages(images, match), filters.dangling), {
    digests,
    formatHasDigest: format.includes('{{.Digest}}'),
    trunc: flags.trunc !== false,
    now: Date.now(),
  });
  // -q lists each image once, so that `regctl rmi $(regctl images -q)` names each image once.
  if (quiet && (!flags.format || flags.format === 'table')) rows = rows.filter((r, i) => rows.findIndex((o) => o.ID === r.ID) === i);
  ctx.io.stdout.write(formatRecords(format, rows, IMAGE_ROW_KIND));
}
