// `regctl copy SOURCE DESTINATION [-a]`: an image between any two locations (a registry, the
// local store, an OCI layout directory, an oci-archive or a docker-archive), skopeo's syntax.
// The flags and help; the work is actions/copy.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { CopyFlags } from '../actions/copy.js';
import type { CliContext } from '../context.js';

export function registerCopy(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('copy')
    .alias('cp')
    .description('Copy an image (every platform, digests unchanged) between registries, the local store, OCI layouts and archives')
    .argument('<source>', 'REF, docker://REF, store:NAME, oci:DIR[:NAME], oci-archive:FILE[:NAME] or docker-archive:FILE[:REF|@N]')
    .argument('<destination>', 'the same forms (a registry destination without a tag keeps the source tag)')
    .option('-a, --all-tags', 'copy every tag of the source repository (registry to registry)')
    .option('--platform <os/arch[/variant]>', 'copy only this platform of a multi-platform image')
    .option('--referrers', "also copy what refers to the image (signatures, SBOMs: OCI 1.1 subject), recursively, by digest")
    .option('-q, --quiet', 'print only the destination reference')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .addHelpText(
      'after',
      `
Locations (skopeo's containers-transports syntax):
  REF, docker://REF          a registry image, docker's defaults (busybox = docker.io/library/busybox:latest)
  store:NAME                 an image of the local store, by name or image ID
  oci:DIR[:NAME]             an OCI layout directory; NAME is the org.opencontainers.image.ref.name
  oci-archive:FILE[:NAME]    a tar of an OCI layout
  docker-archive:FILE[:REF]  a docker save tar; REF is a RepoTags name, or @N for the N-th image

Each registry uses its own stored credentials. Blobs the destination has are skipped, blobs on
the same registry are mounted, others stream from source to destination, verified on arrival.
Nothing appears at the destination until the whole image is there.

--referrers copies, after the image, every referrer of its manifest and of each manifest of
its index, then their referrers, as oras cp -r does: each by digest, bytes unchanged. Registries
without the referrers API are read and written through the referrers tag schema (sha256-<hex>).
In an oci:DIR layout a referrer is an index.json entry without a ref.name (as oras writes it).
The local store and archives hold no referrers: --referrers refuses them.

Examples:
  regctl copy busybox:1.36 localhost:5000/tools/busybox:1.36
  regctl copy -a ghcr.io/org/app registry.example.com/mirror/app
  regctl copy oci:build/app:1.0 docker://ghcr.io/me/app:1.0
  regctl copy localhost:5000/team/app:1.0 oci-archive:app.tar:1.0
  regctl copy docker-archive:saved.tar:app:1.0 localhost:5000/team/app:1.0
  regctl copy store:busybox:latest oci:/tmp/layout:busybox
  regctl copy --referrers ghcr.io/org/app:1.0 oci:backup:app-1.0`,
    )
    .action(async (source: string, destination: string, flags: CopyFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runCopy } = await import('../actions/copy.js');
      await runCopy(ctx, source, destination, flags);
    });
}
