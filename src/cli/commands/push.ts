// `regctl push NAME[:TAG]`: docker's push from the local OCI store, with docker's output.
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface PushFlags {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
  progress?: string;
  chunkSize?: number;
}

function parseChunkSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive number of bytes, e.g. 5242880');
  }
  return n;
}

export function registerPush(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('push')
    .description('Upload an image from the local store to a registry')
    .argument('<name>', 'NAME[:TAG], e.g. localhost:5000/team/app:1.0 (the name says which registry)')
    .option('-a, --all-tags', 'push all tags of the repository that are in the local store')
    .option('--platform <os/arch[/variant]>', 'push only this platform of a multi-platform image, under the tag')
    .option('-q, --quiet', 'print only the full image reference')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .option('--chunk-size <bytes>', 'upload in PATCH requests of this many bytes (default: one request per blob)', parseChunkSize)
    .addHelpText(
      'after',
      `
Examples:
  regctl tag busybox localhost:5000/tools/busybox:1.36
  regctl push localhost:5000/tools/busybox:1.36
  regctl push -a ghcr.io/org/app
  regctl push --platform linux/arm64 registry.example.com/team/app:2.0`,
    )
    .action(async (input: string, flags: PushFlags, cmd: Command) => {
      const ctx = context(cmd);
      // One round of module loading instead of one per import (see pull.ts).
      const [{ parseReference }, { parsePlatform }, { resolveProgressMode }, { pushRenderer }, { push }, { localTags, noLocalImage }] = await Promise.all([
        import('../../reference/parse.js'),
        import('../../oci/platform.js'),
        import('../progress/progress-mode.js'),
        import('../progress/push-renderer.js'),
        import('../../ops/push.js'),
        import('../../ops/push-plan.js'),
      ]);
      const ref = parseReference(input);
      if (ref.digest) throw new UsageError('cannot push a digest reference');
      if (flags.allTags && !ref.tagDefaulted) throw new UsageError("tag can't be used with --all-tags/-a");
      const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
      const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
      const lines = mode === 'plain' || mode === 'tty';
      const errorContext = { action: 'push' as const, ref: ref.familiar(), repository: ref.familiarName(), registry: ref.registry };

      const store = await ctx.store({ create: false });
      if (lines && !flags.allTags && ref.tagDefaulted) ctx.out('Using default tag: latest');
      if (lines) ctx.out(`The push refers to repository [${ref.name()}]`);
      const tags = flags.allTags ? await localTags(store, ref) : [ref.tag ?? 'latest'];
      if (tags.length === 0) throw noLocalImage(ref);

      const remote = await ctx.remote();
      const render = pushRenderer(mode, ctx.io.stdout);
      for (const tag of tags) {
        const r = ref.withTag(tag);
        const result = await withErrorContext({ ...errorContext, ref: r.familiar() }, () =>
          push(remote, store, r, {
            ...(platform ? { platform } : {}),
            ...(flags.chunkSize ? { chunkSize: flags.chunkSize } : {}),
            signal: ctx.signal,
            onProgress: render,
          }),
        );
        if (lines) ctx.out(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
        ctx.debug(`pushed ${result.ref}: ${result.pushed} uploaded (${result.bytesUploaded} bytes), ${result.mounted} mounted, ${result.existed} already there`);
      }
      if (mode === 'quiet') ctx.out(flags.allTags ? ref.name() : ref.toString());
    });
}
