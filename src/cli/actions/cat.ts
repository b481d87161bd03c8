// What `regctl cat` does once its flags are parsed (the registration is commands/cat.ts): one
// file of an image to stdout.
import { parsePlatform } from '../../oci/platform.js';
import { catFile } from '../../ops/cat.js';
import type { LocationContext } from '../../ops/open-location.js';
import { parseLocation } from '../../reference/location.js';
import { outputSink } from '../archive-output.js';
import type { CliContext } from '../context.js';

export interface CatFlags {
  platform?: string;
}

export async function runCat(ctx: CliContext, image: string, file: string, flags: CatFlags): Promise<void> {
  const from = parseLocation(image);
  const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
  const locations: LocationContext = { remote: () => ctx.remote(), store: () => ctx.store({ create: false }), signal: ctx.signal };
  const result = await catFile(locations, from, file, outputSink(ctx.io.stdout), { signal: ctx.signal, ...(platform ? { platform } : {}) });
  ctx.debug(`read ${file} from ${result.digest}`);
}
