// What `regctl artifact list` does once its flags are parsed (the registration is
// commands/artifact.ts): the referrers of a manifest (and cosign's tag-scheme objects), as a
// table, a tree with --recursive, or the referrers index as JSON (format/referrers-output.ts).
import { listArtifacts } from '../../ops/artifact/list.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { referrersJson, referrersTable, referrersTree } from '../format/referrers-output.js';

export interface ArtifactListFlags {
  artifactType?: string;
  recursive?: boolean;
  format?: 'table' | 'json';
}

export async function runArtifactList(ctx: CliContext, input: string, flags: ArtifactListFlags): Promise<void> {
  const subject = parseReference(input);
  await withErrorContext({ action: 'manifest-inspect', ref: subject.familiar(), repository: subject.familiarName(), registry: subject.registry }, async () => {
    const result = await listArtifacts(await ctx.remote(), subject, {
      ...(flags.artifactType ? { artifactType: flags.artifactType } : {}),
      recursive: !!flags.recursive,
      signal: ctx.signal,
    });
    ctx.debug(`referrers of ${result.subject.digest} listed through the ${result.via === 'api' ? 'referrers API' : 'referrers tag schema'}`);
    const recursive = !!flags.recursive;
    if (flags.format === 'json') ctx.io.stdout.write(referrersJson(result.referrers, recursive));
    else if (recursive) ctx.io.stdout.write(referrersTree(`${subject.familiarName()}@${result.subject.digest}`, result.referrers));
    else ctx.io.stdout.write(referrersTable(subject.familiar(), result.subject, result.referrers));
  });
}
