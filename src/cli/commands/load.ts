// `regctl load [-i FILE] [-q]`: images from a docker save / docker-archive / oci-archive tar.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerLoad(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('load')
    .description('Load images from a tar archive (read from STDIN by default) into the local store')
    .option('-i, --input <file>', 'read from a tar archive file instead of STDIN')
    .option('-q, --quiet', 'accepted for docker compatibility: load shows no progress, and like docker it still prints the Loaded image lines')
    .addHelpText(
      'after',
      `
Accepts docker save archives (Engine >= 25 and the older layer.tar format), skopeo's
docker-archive and oci-archive tars. Every blob is verified; entries with absolute paths, "..",
or links leaving the archive are refused, and nothing is named in the store unless the whole
archive loads.

Examples:
  regctl load -i busybox.tar
  gunzip -c images.tar.gz | regctl load`,
    )
    .action(async (flags: { input?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const { loadArchive } = await import('../../ops/load.js');
      const { parseReference } = await import('../../reference/parse.js');
      const { RegctlError, UsageError } = await import('../../errors.js');
      // Here rather than at the top: importing node:fs builds its ESM facade (1 ms of every start-up).
      const fs = await import('node:fs/promises');
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
    });
}
