// What `regctl export` does once its flags are parsed (the registration is commands/export.ts):
// the image's flattened filesystem as one tar, to a file or stdout (never a terminal).
import { UsageError } from '../../errors.js';
import { parsePlatform } from '../../oci/platform.js';
import { exportFilesystem, exportFilesystemToFile } from '../../ops/export.js';
import type { LocationContext } from '../../ops/open-location.js';
import { parseLocation } from '../../reference/location.js';
import { outputSink } from '../archive-output.js';
import type { CliContext } from '../context.js';

export interface ExportFlags {
  output?: string;
  platform?: string;
}

export async function runExport(ctx: CliContext, image: string, flags: ExportFlags): Promise<void> {
  // docker export's words (cli/command/container/export.go).
  if (!flags.output && ctx.io.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const from = parseLocation(image);
  const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
  const locations: LocationContext = { remote: () => ctx.remote(), store: () => ctx.store({ create: false }), signal: ctx.signal };
  const opts = { signal: ctx.signal, ...(platform ? { platform } : {}) };
  const result = flags.output ? await exportFilesystemToFile(locations, from, flags.output, opts) : await exportFilesystem(locations, from, outputSink(ctx.io.stdout), opts);
  ctx.debug(`exported ${result.digest}: ${result.layers} layers`);
}
