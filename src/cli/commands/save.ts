// `regctl save [-o FILE] IMAGE...`: docker save's tar (Engine >= 25 format) from the local store.
// The flags and help; the work is actions/save.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { SaveFlags } from '../actions/save.js';
import type { CliContext } from '../context.js';

export function registerSave(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('save')
    .description('Save one or more images from the local store to a tar archive (streamed to STDOUT by default)')
    .argument('<image...>', 'NAME[:TAG] or image ID; images sharing layers store them once')
    .option('-o, --output <file>', 'write to a file instead of STDOUT (replaced atomically)')
    .addHelpText(
      'after',
      `
The archive is what docker save writes since Engine 25: an OCI layout plus manifest.json and
repositories. docker load, regctl load, skopeo docker-archive: and oci-archive: read it.

Examples:
  regctl save -o busybox.tar busybox:latest
  regctl save alpine:3.20 busybox | gzip > images.tar.gz
  skopeo copy docker-archive:busybox.tar docker://localhost:5000/busybox:latest`,
    )
    .action(async (images: string[], flags: SaveFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runSave } = await import('../actions/save.js');
      await runSave(ctx, images, flags);
    });
}
