// What the `regctl manifest` subcommands do once their flags are parsed (the registration is
// commands/manifest.ts). `inspect`: like `docker manifest inspect`, plus --raw for the exact bytes.
import { inspectManifest } from '../../ops/inspect-manifest.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

export interface ManifestInspectFlags {
  raw?: boolean;
  verbose?: boolean;
  insecure?: boolean;
}

export async function runManifestInspect(ctx: CliContext, input: string, flags: ManifestInspectFlags): Promise<void> {
  const ref = parseReference(input);
  if (flags.insecure) ctx.globals.insecureRegistry = [...(ctx.globals.insecureRegistry ?? []), ref.registry];
  await withErrorContext({ action: 'manifest-inspect', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
    const result = await inspectManifest(await ctx.remote(), ref, { children: !!flags.verbose && !flags.raw, signal: ctx.signal });
    if (flags.raw) {
      ctx.io.stdout.write(result.manifest.bytes);
      return;
    }
    if (!flags.verbose) {
      ctx.out(JSON.stringify(result.json, null, '\t'));
      return;
    }
    const describe = (r: typeof result.ref, m: typeof result.manifest, json: Record<string, unknown>, platform?: unknown) => ({
      Ref: r.toString(),
      Descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.size, ...(platform ? { platform } : {}) },
      Raw: m.bytes.toString('base64'),
      // docker names the parsed copy by manifest flavour.
      [m.mediaType.includes('docker.distribution') ? 'SchemaV2Manifest' : 'OCIManifest']: json,
    });
    if (result.children) {
      ctx.out(JSON.stringify(result.children.map((c) => describe(c.ref, c.manifest, c.json, c.platform)), null, '\t'));
    } else {
      ctx.out(JSON.stringify(describe(result.ref, result.manifest, result.json, result.platform), null, '\t'));
    }
  });
}
