// `regctl artifact push|pull|attach|list`: files in a registry as OCI artifacts, compatible with
// oras on the wire (oras push/pull/attach/discover). The flags and help; the work is
// actions/artifact-*.ts, loaded when a subcommand runs.
import { Option, type Command } from 'commander';
import type { ArtifactAttachFlags } from '../actions/artifact-attach.js';
import type { ArtifactListFlags } from '../actions/artifact-list.js';
import type { ArtifactPullFlags } from '../actions/artifact-pull.js';
import type { ArtifactPushFlags } from '../actions/artifact-push.js';
import type { CliContext } from '../context.js';

/** Repeatable; kept here so that registering the command loads nothing else. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const annotationOption = () => new Option('-a, --annotation <key=value>', 'manifest annotation (repeatable)').argParser(collect);

function registerPush(artifact: Command, context: (cmd: Command) => CliContext): void {
  artifact
    .command('push')
    .description('Push files (and directories) to a registry as an OCI artifact')
    .argument('<ref>', 'where to push, e.g. localhost:5000/team/sbom:1.0 (no tag: latest)')
    .argument('[file...]', 'FILE or FILE:MEDIATYPE; a directory is sent as one tar+gzip layer (a name with a colon: end it with one, hi:txt:)')
    .option('--artifact-type <type>', 'the artifactType (default application/vnd.unknown.artifact.v1; none with --config alone)')
    .addOption(annotationOption())
    // Not --config as oras has it: that is the global docker config directory here (oras 0.x called it --manifest-config).
    .option('--manifest-config <file>', 'FILE[:MEDIATYPE] as the config instead of the empty {} (default type application/vnd.unknown.config.v1+json)')
    .option('--subject <ref>', 'a manifest of the same repository (REF or a digest) this artifact refers to')
    .addHelpText(
      'after',
      `
Each file is one layer titled with its base name (org.opencontainers.image.title), media type
application/vnd.oci.image.layer.v1.tar unless given, as oras pushes it. Prints the digest last.

Examples:
  regctl artifact push localhost:5000/team/notes:1.0 notes.md
  regctl artifact push --artifact-type application/vnd.example.report localhost:5000/team/report:1 report.json:application/json
  regctl artifact push -a org.opencontainers.image.source=https://github.com/org/app localhost:5000/team/site:1 ./public`,
    )
    .action(async (ref: string, files: string[], flags: ArtifactPushFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runArtifactPush } = await import('../actions/artifact-push.js');
      await runArtifactPush(ctx, ref, files, flags);
    });
}

function registerPull(artifact: Command, context: (cmd: Command) => CliContext): void {
  artifact
    .command('pull')
    .description("Pull an artifact's files into a directory")
    .argument('<ref>', 'the artifact, e.g. localhost:5000/team/notes:1.0 or ...@sha256:...')
    .option('-o, --output <dir>', 'directory to write the files into (created if missing)', '.')
    .option('--overwrite', 'replace files that already exist (default: refuse, writing nothing)')
    .addHelpText(
      'after',
      `
Every layer with a file name (org.opencontainers.image.title) is written under DIR; oras's
directory layers are unpacked. Names that would land outside DIR are refused, and nothing is
placed until every file has arrived and matched its digest.

Examples:
  regctl artifact pull localhost:5000/team/notes:1.0
  regctl artifact pull -o ./out --overwrite localhost:5000/team/site:1`,
    )
    .action(async (ref: string, flags: ArtifactPullFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runArtifactPull } = await import('../actions/artifact-pull.js');
      await runArtifactPull(ctx, ref, flags);
    });
}

function registerAttach(artifact: Command, context: (cmd: Command) => CliContext): void {
  artifact
    .command('attach')
    .description('Attach files to an existing image or artifact (a referrer, put by digest)')
    .argument('<subject>', 'the manifest to attach to, e.g. localhost:5000/team/app:1.0')
    .argument('[file...]', 'FILE or FILE:MEDIATYPE')
    .requiredOption('--artifact-type <type>', 'the artifactType, e.g. application/spdx+json (required)')
    .addOption(annotationOption())
    .addHelpText(
      'after',
      `
Examples:
  regctl artifact attach --artifact-type application/spdx+json localhost:5000/team/app:1.0 sbom.spdx.json
  regctl artifact attach --artifact-type application/vnd.example.review -a reviewed-by=alice localhost:5000/team/app:1.0`,
    )
    .action(async (subject: string, files: string[], flags: ArtifactAttachFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runArtifactAttach } = await import('../actions/artifact-attach.js');
      await runArtifactAttach(ctx, subject, files, flags);
    });
}

function registerList(artifact: Command, context: (cmd: Command) => CliContext): void {
  artifact
    .command('list')
    .description('List the artifacts that refer to a manifest (referrers, and cosign signatures, attestations and SBOMs)')
    .argument('<subject>', 'the manifest, e.g. localhost:5000/team/app:1.0')
    .option('--artifact-type <type>', 'only referrers of this artifactType')
    .option('-r, --recursive', 'referrers of referrers too, as a tree')
    .addOption(new Option('--format <format>', 'table or json (json: the referrers index)').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  regctl artifact list localhost:5000/team/app:1.0
  regctl artifact list --recursive localhost:5000/team/app:1.0
  regctl artifact list --format json --artifact-type application/spdx+json localhost:5000/team/app:1.0`,
    )
    .action(async (subject: string, flags: ArtifactListFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runArtifactList } = await import('../actions/artifact-list.js');
      await runArtifactList(ctx, subject, flags);
    });
}

export function registerArtifact(program: Command, context: (cmd: Command) => CliContext): void {
  const artifact = program.command('artifact').description('Push, pull, attach and list OCI artifacts (oras-compatible)');
  registerPush(artifact, context);
  registerPull(artifact, context);
  registerAttach(artifact, context);
  registerList(artifact, context);
}
