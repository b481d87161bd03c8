// `regctl cat IMAGE PATH [--platform P]`: one file of an image, read from the top layer down
// without pulling the image. The flags and help; the work is actions/cat.ts, loaded when the
// command runs.
import type { Command } from 'commander';
import type { CatFlags } from '../actions/cat.js';
import type { CliContext } from '../context.js';

export function registerCat(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('cat')
    .description('Print one file of an image, reading its layers from the top only until the file is found')
    .argument('<image>', 'REF, docker://REF, store:NAME, oci:DIR[:NAME], oci-archive:FILE[:NAME] or docker-archive:FILE[:REF|@N]')
    .argument('<path>', 'the file, as a path in the image (/etc/os-release)')
    .option('--platform <os/arch[/variant]>', "the platform of a multi-platform image (default: this machine's)")
    .addHelpText(
      'after',
      `
Symlinks are followed inside the image (the file's own and its directories', e.g. /bin -> usr/bin),
as cat in a container follows them; a file deleted by an upper layer (a whiteout or an opaque
directory) is not found (exit 4); a directory is an error. Layers below the one holding the file
are never downloaded; the rest of that layer is read to check its digest.

Examples:
  regctl cat debian:12 /etc/os-release
  regctl cat --platform linux/arm64 localhost:5000/team/app:1.0 /app/package.json
  regctl cat oci:build/app:1.0 /etc/passwd`,
    )
    .action(async (image: string, file: string, flags: CatFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runCat } = await import('../actions/cat.js');
      await runCat(ctx, image, file, flags);
    });
}
