// `regctl load [-i FILE] [-q]`: images from a docker save / docker-archive / oci-archive tar.
// The flags and help; the work is actions/load.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { LoadFlags } from '../actions/load.js';
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
    .action(async (flags: LoadFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runLoad } = await import('../actions/load.js');
      await runLoad(ctx, flags);
    });
}
