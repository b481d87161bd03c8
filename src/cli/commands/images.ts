// `regctl images [REPOSITORY[:TAG]]`: the images in the local store, as `docker images` lists them.
// The flags and help; the work is actions/images.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { ImagesFlags } from '../actions/images.js';
import type { CliContext } from '../context.js';

export function registerImages(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('images')
    .description('List images in the local store')
    .argument('[repository]', 'only images whose REPOSITORY[:TAG] matches (familiar or full name; * and ? wildcards)')
    .option('-a, --all', 'accepted for docker scripts: the store keeps no intermediate images, so all are always shown')
    .option('-f, --filter <filter>', 'dangling=true|false, or reference=PATTERN (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('-q, --quiet', 'only show image IDs (each once)')
    .option('--digests', 'show the repository digest of each image')
    .option('--no-trunc', "don't truncate output (full image IDs)")
    .option('--format <format>', "'table', 'table TEMPLATE', 'json', or a Go template, e.g. '{{.Repository}}:{{.Tag}}'")
    .addHelpText(
      'after',
      `
Examples:
  regctl images
  regctl images busybox --digests
  regctl images --filter dangling=true -q
  regctl images --filter 'reference=localhost:5000/*'
  regctl images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
  regctl images --format 'table {{.Repository}}\\t{{.ID}}'
  regctl images --format json`,
    )
    .action(async (pattern: string | undefined, flags: ImagesFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runImages } = await import('../actions/images.js');
      await runImages(ctx, pattern, flags);
    });
}
