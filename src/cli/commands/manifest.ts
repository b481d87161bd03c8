// `regctl manifest inspect|create|annotate|push|rm`: docker's manifest commands, with docker's
// local list store (DOCKER_CONFIG/manifests), plus --raw on inspect for the exact bytes.
// The flags and help; the work is actions/manifest.ts and actions/manifest-list.ts, loaded when a
// subcommand runs.
import { Option, type Command } from 'commander';
import type { ManifestAnnotateFlags, ManifestCreateFlags, ManifestPushFlags } from '../actions/manifest-list.js';
import type { ManifestInspectFlags } from '../actions/manifest.js';
import type { CliContext } from '../context.js';

/** cobra's StringSlice: repeatable, each value comma-separated. */
function collectCsv(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',')];
}

function registerInspect(manifest: Command, context: (cmd: Command) => CliContext): void {
  manifest
    .command('inspect')
    .description('Display an image manifest, or manifest list (a local list first, as docker)')
    // docker's `inspect [MANIFEST_LIST] MANIFEST`, as commander can express it: with two, the first is the list.
    .argument('<ref>', 'image reference, e.g. busybox, quay.io/org/app:1.0, app@sha256:... (or a local manifest list)')
    .argument('[manifest]', 'with a local list as the first argument: the entry of it to show')
    .option('--raw', 'print the exact manifest bytes as the registry sent them')
    .option('-v, --verbose', 'add the reference, digest, media type, size and platform; expand indexes')
    .option('--insecure', 'allow plain HTTP or unverified TLS for this registry')
    .addHelpText(
      'after',
      `
Examples:
  regctl manifest inspect busybox
  regctl manifest inspect --verbose quay.io/prometheus/node-exporter:latest
  regctl manifest inspect --raw localhost:5000/app@sha256:0123...
  regctl manifest inspect localhost:5000/app:1.0 localhost:5000/app:1.0-arm64   # an entry of a local list`,
    )
    .action(async (first: string, second: string | undefined, flags: ManifestInspectFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runManifestInspect } = await import('../actions/manifest.js');
      await (second === undefined ? runManifestInspect(ctx, first, flags) : runManifestInspect(ctx, second, flags, first));
    });
}

function registerListCommands(manifest: Command, context: (cmd: Command) => CliContext): void {
  manifest
    .command('create')
    .description('Create a local manifest list for annotating and pushing to a registry')
    .argument('<list>', 'the manifest list to create, e.g. localhost:5000/app:1.0')
    .argument('<manifest...>', 'image manifests to list (single-platform images on the same registry)')
    .option('-a, --amend', 'amend an existing manifest list')
    .option('--insecure', 'allow communication with an insecure registry')
    .addHelpText(
      'after',
      `
Examples:
  regctl manifest create localhost:5000/app:1.0 localhost:5000/app:1.0-amd64 localhost:5000/app:1.0-arm64
  regctl manifest create --amend localhost:5000/app:1.0 localhost:5000/app:1.0-s390x`,
    )
    .action(async (list: string, manifests: string[], flags: ManifestCreateFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runManifestCreate } = await import('../actions/manifest-list.js');
      await runManifestCreate(ctx, list, manifests, flags);
    });

  manifest
    .command('annotate')
    .description('Add additional information to a local image manifest')
    .argument('<list>', 'the local manifest list')
    .argument('<manifest>', 'the entry to annotate, as it was given to create')
    .option('--os <os>', 'set operating system')
    .option('--arch <arch>', 'set architecture')
    .option('--os-version <version>', 'set operating system version')
    .addOption(new Option('--os-features <features>', 'set operating system feature (comma-separated, repeatable)').argParser(collectCsv))
    .option('--variant <variant>', 'set architecture variant')
    .addHelpText('after', `\nExample:\n  regctl manifest annotate --arch arm64 --variant v8 localhost:5000/app:1.0 localhost:5000/app:1.0-arm64`)
    .action(async (list: string, entry: string, flags: ManifestAnnotateFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runManifestAnnotate } = await import('../actions/manifest-list.js');
      await runManifestAnnotate(ctx, list, entry, flags);
    });

  manifest
    .command('push')
    .description('Push a manifest list to a repository')
    .argument('<list>', 'the local manifest list')
    .option('-p, --purge', 'remove the local manifest list after push')
    .option('--insecure', 'allow push to an insecure registry')
    .addHelpText('after', `\nPrints the pushed list's digest last.\n\nExample:\n  regctl manifest push --purge localhost:5000/app:1.0`)
    .action(async (list: string, flags: ManifestPushFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runManifestPush } = await import('../actions/manifest-list.js');
      await runManifestPush(ctx, list, flags);
    });

  manifest
    .command('rm')
    .description('Delete one or more manifest lists from local storage')
    .argument('<list...>', 'local manifest lists')
    .action(async (lists: string[], _flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const { runManifestRm } = await import('../actions/manifest-list.js');
      await runManifestRm(ctx, lists);
    });
}

export function registerManifest(program: Command, context: (cmd: Command) => CliContext): void {
  const manifest = program.command('manifest').description('Manage image manifests and manifest lists (docker manifest)');
  registerInspect(manifest, context);
  registerListCommands(manifest, context);
}
