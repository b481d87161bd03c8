// `regctl pull NAME[:TAG|@DIGEST]`: docker's pull into the local OCI store, with docker's output.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface PullFlags {
  allTags?: boolean;
  platform?: string;
  allPlatforms?: boolean;
  quiet?: boolean;
  progress?: string;
}

export function registerPull(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('pull')
    .description('Download an image from a registry into the local store')
    .argument('<name>', 'NAME[:TAG|@DIGEST], e.g. busybox, quay.io/org/app:1.0')
    .option('-a, --all-tags', 'download all tagged images in the repository')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image (default: this machine)')
    .option('--all-platforms', 'keep the whole index and every platform\'s blobs')
    .option('-q, --quiet', 'print only the full image reference')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .addHelpText(
      'after',
      `
Examples:
  regctl pull busybox
  regctl pull --platform linux/arm64 alpine:3.20
  regctl pull -q ghcr.io/org/app@sha256:0123...
  regctl --store ./store pull localhost:5000/team/app:1.0`,
    )
    .action(async (input: string, flags: PullFlags, cmd: Command) => {
      const ctx = context(cmd);
      // One round of module loading instead of one per import (the loader reads files off the
      // event loop; six awaits in a row cost a pull of a small image ~5 ms).
      const [{ parseReference }, { parsePlatform }, { resolveProgressMode }, { pullRenderer }, { pull }, { PullSourceTracker, sourceLine }] = await Promise.all([
        import('../../reference/parse.js'),
        import('../../oci/platform.js'),
        import('../progress/progress-mode.js'),
        import('../progress/pull-renderer.js'),
        import('../../ops/pull.js'),
        import('../progress/mirror-source.js'),
      ]);
      const ref = parseReference(input);
      const mode = resolveProgressMode(flags.progress, !!flags.quiet, ctx.io.stdout);
      const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
      if (flags.allTags && !ref.tagDefaulted) throw new UsageError("tag can't be used with --all-tags/-a");
      if (flags.allPlatforms && platform) throw new UsageError('--platform and --all-platforms cannot be combined');

      // Opening (on first use: creating) the store and setting up the registry client overlap.
      const [store, remote] = await Promise.all([ctx.store(), ctx.remote()]);
      const render = pullRenderer(mode, ctx.io.stdout);
      const loud = mode !== 'quiet';

      const pullOne = (r: typeof ref) =>
        withErrorContext({ action: 'pull', ref: r.familiar(), repository: r.familiarName(), registry: r.registry }, async () => {
          // With mirrors configured, say which endpoint served the pull.
          const sources = new PullSourceTracker();
          const unsubscribe = remote.onMirrorRead(sources.record);
          const result = await pull(remote, store, r, {
            ...(platform ? { platform } : {}),
            ...(flags.allPlatforms ? { allPlatforms: true } : {}),
            signal: ctx.signal,
            onProgress: render,
          }).finally(unsubscribe);
          const served = sources.summary(r.toString());
          if (served && mode === 'json') ctx.io.stdout.write(JSON.stringify(served) + '\n');
          else if (served && loud) ctx.err(sourceLine(served));
          if (mode === 'plain' || mode === 'tty') {
            ctx.out(`Digest: ${result.digest}`);
            ctx.out(`Status: ${result.upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${r.familiar()}`);
          }
          return result;
        });

      if (flags.allTags) {
        const { listTags } = await import('../../store/remote/tags.js');
        const tags = await withErrorContext({ action: 'pull', ref: ref.familiarName(), repository: ref.familiarName(), registry: ref.registry }, () =>
          listTags(remote, ref, { signal: ctx.signal }),
        );
        for (const tag of tags) await pullOne(ref.withTag(tag));
        ctx.out(ref.name());
        return;
      }
      if (ref.tagDefaulted && loud) ctx.out('Using default tag: latest');
      await pullOne(ref);
      ctx.out(ref.digest ? `${ref.name()}@${ref.digest}` : ref.toString());
    });
}
