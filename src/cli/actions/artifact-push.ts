// What `regctl artifact push` does once its flags are parsed (the registration is
// commands/artifact.ts): files to a registry as an oras-style artifact, printing oras's lines
// (`Uploaded  <id> <file>`, `Pushed [registry] REF`, `ArtifactType: ...`, `Digest: ...`).
import { pushArtifact } from '../../ops/artifact/push.js';
import { parseReference } from '../../reference/parse.js';
import { parseFileRef } from '../../store/files/file-ref.js';
import { parseAnnotations, parseFileRefs } from '../artifact-args.js';
import { statusLines } from '../artifact-status.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { escapeControls } from '../terminal-text.js';

export interface ArtifactPushFlags {
  artifactType?: string;
  annotation?: string[];
  manifestConfig?: string;
  subject?: string;
}

export async function runArtifactPush(ctx: CliContext, input: string, files: string[], flags: ArtifactPushFlags): Promise<void> {
  const ref = parseReference(input);
  const annotations = parseAnnotations(flags.annotation);
  const refs = parseFileRefs(files);
  const config = flags.manifestConfig === undefined ? undefined : parseFileRef(flags.manifestConfig);
  const status = statusLines(ctx, 'push');
  await withErrorContext({ action: 'push', ref: ref.familiar(), repository: ref.familiarName(), registry: ref.registry }, async () => {
    if (refs.length === 0) ctx.out('Uploading empty artifact');
    const result = await pushArtifact(await ctx.remote(), ref, refs, {
      annotations,
      ...(flags.artifactType ? { artifactType: flags.artifactType } : {}),
      ...(config ? { config } : {}),
      ...(flags.subject ? { subject: flags.subject } : {}),
      signal: ctx.signal,
      onManifest: status.onManifest,
      onProgress: status.onProgress,
    });
    ctx.out(`Pushed [registry] ${ref.digest ? `${ref.familiarName()}@${ref.digest}` : ref.familiar()}`);
    ctx.out(`ArtifactType: ${escapeControls(result.artifactType ?? result.configMediaType)}`);
    ctx.out(`Digest: ${result.digest}`);
  });
}
