// `regctl export IMAGE [-o FILE] [--platform P]`: an image's flattened filesystem as one tar, as
// crane export and docker export write it. The flags and help; the work is actions/export.ts,
// loaded when the command runs.
import type { Command } from 'commander';
import type { ExportFlags } from '../actions/export.js';
import type { CliContext } from '../context.js';

export function registerExport(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('export')
    .description("Export an image's filesystem (its layers flattened) as a tar archive (streamed to STDOUT by default)")
    .argument('<image>', 'REF, docker://REF, store:NAME, oci:DIR[:NAME], oci-archive:FILE[:NAME] or docker-archive:FILE[:REF|@N]')
    .option('-o, --output <file>', 'write to a file instead of STDOUT (replaced atomically)')
    .option('--platform <os/arch[/variant]>', "the platform of a multi-platform image (default: this machine's)")
    .addHelpText(
      'after',
      `
The layers are applied in order: a later layer's file replaces an earlier one, whiteouts
(.wh.NAME) delete and opaque directories (.wh..wh..opq) hide what the layers below hold; the
markers themselves are not written. Each layer is read once, streamed from where the image is
and checked against its digest; nothing is pulled into the store. Entries come top layer first
(as crane export writes them). Layers may be gzip or uncompressed; zstd is refused.

Examples:
  regctl export busybox:1.36 | tar -tvf -
  regctl export -o rootfs.tar --platform linux/arm64 localhost:5000/team/app:1.0
  regctl export oci:build/app:1.0 | tar -xf - -C rootfs`,
    )
    .action(async (image: string, flags: ExportFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runExport } = await import('../actions/export.js');
      await runExport(ctx, image, flags);
    });
}
