// `regctl manifest inspect REF`: like `docker manifest inspect`, plus --raw for the exact bytes.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface InspectFlags {
  raw?: boolean;
  verbose?: boolean;
  insecure?: boolean;
}

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
    .action(async (input: string, flags: InspectFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { parseReference } = await import('../../reference/parse.js');
      const ref = parseReference(input);
      if (flags.insecure) ctx.globals.insecureRegistry = [...(ctx.globals.insecureRegistry ?? []), ref.registry];
      await withErrorContext({ action: 'manifest-inspect', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
        const { inspectManifest } = await import('../../ops/inspect-manifest.js');
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
    });
}
