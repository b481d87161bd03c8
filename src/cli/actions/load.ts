// What `regctl load` does once its flags are parsed (the registration is commands/load.ts):
// images from a docker save / docker-archive / oci-archive tar into the local store.
import fs from 'node:fs/promises';
import { RegctlError, UsageError } from '../../errors.js';
import { loadArchive } from '../../ops/load.js';
import { parseReference } from '../../reference/parse.js';
import type { CliContext } from '../context.js';

export interface LoadFlags {
  input?: string;
}

export async function runLoad(ctx: CliContext, flags: LoadFlags): Promise<void> {
  if (!flags.input && ctx.io.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is empty');
  const store = await ctx.store();
  // Opened before reading starts, so that a missing file is a plain error (docker's wording).
  const handle = flags.input
    ? await fs.open(flags.input, 'r').catch((err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
        throw new RegctlError('REGCTL_IO', `open ${flags.input}: ${why}`, { cause: err });
      })
    : undefined;
  const input = handle ? handle.createReadStream() : ctx.io.stdin;
  const loaded = await loadArchive(store, input, { signal: ctx.signal }).finally(() => input.destroy());
  for (const image of loaded) {
    ctx.out(image.name ? `Loaded image: ${parseReference(image.name).familiar()}` : `Loaded image ID: ${image.id}`);
  }
}
