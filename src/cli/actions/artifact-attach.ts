// What `regctl artifact attach` does once its flags are parsed (the registration is
// commands/artifact.ts): files attached to an existing manifest as its referrer, printing oras's
// lines (`Attached to [registry] REPO@SUBJECT-DIGEST`, `Digest: ...`).
import { attachArtifact } from '../../ops/artifact/attach.js';
import { parseReference } from '../../reference/parse.js';
import { parseAnnotations, parseFileRefs } from '../artifact-args.js';
import { statusLines } from '../artifact-status.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

export interface ArtifactAttachFlags {
  artifactType: string;
  annotation?: string[];
}

export async function runArtifactAttach(ctx: CliContext, input: string, files: string[], flags: ArtifactAttachFlags): Promise<void> {
  const subject = parseReference(input);
  const annotations = parseAnnotations(flags.annotation);
  const refs = parseFileRefs(files);
  const status = statusLines(ctx, 'push');
  await withErrorContext({ action: 'push', ref: subject.familiar(), repository: subject.familiarName(), registry: subject.registry }, async () => {
    const result = await attachArtifact(await ctx.remote(), subject, refs, {
      artifactType: flags.artifactType,
      annotations,
      signal: ctx.signal,
      onManifest: status.onManifest,
      onProgress: status.onProgress,
    });
    ctx.out(`Attached to [registry] ${subject.familiarName()}@${result.subject.digest}`);
    ctx.out(`Digest: ${result.digest}`);
  });
}
