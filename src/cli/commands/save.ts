// `regctl save [-o FILE] IMAGE...`: docker save's tar (Engine >= 25 format) from the local store.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
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
    .action(async (images: string[], flags: { output?: string }, cmd: Command) => {
      const ctx = context(cmd);
      if (!flags.output && ctx.io.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const { saveImages } = await import('../../ops/save.js');
      const { outputSink, saveToFile } = await import('../archive-output.js');
      const store = await ctx.store({ create: false });
      if (flags.output) await saveToFile(flags.output, (out) => saveImages(store, images, out, { signal: ctx.signal }));
      else await saveImages(store, images, outputSink(ctx.io.stdout), { signal: ctx.signal });
    });
}
