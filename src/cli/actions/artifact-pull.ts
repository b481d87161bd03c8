// What `regctl artifact pull` does once its flags are parsed (the registration is
// commands/artifact.ts): an artifact's files into a directory, printing oras's lines
// (`Downloaded  <id> <file>`, `Pulled [registry] REF`, `Digest: ...`).
import { ANNOTATION_TITLE } from '../../oci/artifact-manifest.js';
import { pullArtifact } from '../../ops/artifact/pull.js';
import { parseReference } from '../../reference/parse.js';
import { statusLines } from '../artifact-status.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

export interface ArtifactPullFlags {
  output?: string;
  overwrite?: boolean;
}

export async function runArtifactPull(ctx: CliContext, input: string, flags: ArtifactPullFlags): Promise<void> {
  const ref = parseReference(input);
  const status = statusLines(ctx, 'pull');
  await withErrorContext({ action: 'pull', ref: ref.familiar(), repository: ref.familiarName(), registry: ref.registry }, async () => {
    const result = await pullArtifact(await ctx.remote(), ref, {
      ...(flags.output !== undefined ? { output: flags.output } : {}),
      overwrite: !!flags.overwrite,
      signal: ctx.signal,
      onManifest: status.onManifest,
      onProgress: status.onProgress,
    });
    if (result.skipped.length > 0) ctx.out(`Skipped pulling layers without file name in "${ANNOTATION_TITLE}"`);
    ctx.out(`Pulled [registry] ${ref.familiar()}`);
    ctx.out(`Digest: ${result.digest}`);
  });
}
