// `regctl manifest inspect REF`: like `docker manifest inspect`, plus --raw for the exact bytes.
// The flags and help; the work is actions/manifest.ts, loaded when a subcommand runs.
import type { Command } from 'commander';
import type { ManifestInspectFlags } from '../actions/manifest.js';
import type { CliContext } from '../context.js';

export function registerManifest(program: Command, context: (cmd: Command) => CliContext): void {
  const manifest = program.command('manifest').description('Inspect image manifests and indexes in a registry');
  manifest
    .command('inspect')
    .description('Display an image manifest or image index (manifest list)')
    .argument('<ref>', 'image reference, e.g. busybox, quay.io/org/app:1.0, app@sha256:...')
    .option('--raw', 'print the exact manifest bytes as the registry sent them')
    .option('-v, --verbose', 'add the reference, digest, media type, size and platform; expand indexes')
    .option('--insecure', 'allow plain HTTP or unverified TLS for this registry')
    .addHelpText(
      'after',
      `
Examples:
  regctl manifest inspect busybox
  regctl manifest inspect --verbose quay.io/prometheus/node-exporter:latest
  regctl manifest inspect --raw localhost:5000/app@sha256:0123...`,
    )
    .action(async (input: string, flags: ManifestInspectFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runManifestInspect } = await import('../actions/manifest.js');
      await runManifestInspect(ctx, input, flags);
    });
}
