// What `regctl manifest inspect` does once its flags are parsed (the registration is
// commands/manifest.ts): like `docker manifest inspect`, a local manifest list first, then the
// registry; plus --raw for the exact bytes. Printed as docker prints: a manifest re-indented with
// tabs (Go's json.Indent, so the registry's key order and spelling stay), an index or manifest
// list rebuilt the way docker rebuilds it (three-space indentation, docker's fields).
import { isRegctlError } from '../../errors.js';
import { goIndent } from '../../oci/go-json.js';
import { dockerInspectIndexText, marshalManifestList } from '../../oci/manifest-list-json.js';
import { isIndexMediaType } from '../../oci/media-types.js';
import { inspectManifest } from '../../ops/inspect-manifest.js';
import { localEntryText, localListText } from '../../ops/manifest-list/inspect-local.js';
import { listEntryOf } from '../../ops/manifest-list/push.js';
import { parseNamed } from '../../ops/manifest-list/parse-names.js';
import { parseReference, type Reference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { manifestListStore } from './manifest-list.js';

export interface ManifestInspectFlags {
  raw?: boolean;
  verbose?: boolean;
  insecure?: boolean;
}

/** A local list of that name, printed; false when there is none (docker then asks the registry). */
async function printLocalList(ctx: CliContext, ref: Reference, flags: ManifestInspectFlags): Promise<boolean> {
  const entries = await manifestListStore(ctx).getList(ref).catch((err: unknown) => {
    if (isRegctlError(err) && err.code === 'REGCTL_NOT_FOUND') return undefined;
    throw err;
  });
  if (!entries) return false;
  if (flags.raw) ctx.io.stdout.write(marshalManifestList(entries.map((e) => listEntryOf(e, ref))).bytes);
  else ctx.out(localListText(entries, ref, { verbose: !!flags.verbose }));
  return true;
}

export async function runManifestInspect(ctx: CliContext, input: string, flags: ManifestInspectFlags, listInput?: string): Promise<void> {
  if (listInput !== undefined) {
    // `inspect LIST MANIFEST`: one entry of a local list, never the registry.
    const [list, ref] = [parseNamed(listInput), parseNamed(input)];
    const entry = await manifestListStore(ctx).get(list, ref);
    if (flags.raw) ctx.io.stdout.write(entry.raw ?? Buffer.from(entry.manifestText));
    else ctx.out(localEntryText(entry, { verbose: !!flags.verbose }));
    return;
  }
  const ref = parseReference(input);
  if (await printLocalList(ctx, ref, flags)) return;
  if (flags.insecure) ctx.globals.insecureRegistry = [...(ctx.globals.insecureRegistry ?? []), ref.registry];
  await withErrorContext({ action: 'manifest-inspect', ref: ref.toString(), repository: ref.familiarName(), registry: ref.registry }, async () => {
    const result = await inspectManifest(await ctx.remote(), ref, { children: !!flags.verbose && !flags.raw, signal: ctx.signal });
    if (flags.raw) {
      ctx.io.stdout.write(result.manifest.bytes);
      return;
    }
    if (!flags.verbose) {
      const isIndex = isIndexMediaType(result.manifest.mediaType);
      ctx.out(isIndex ? dockerInspectIndexText(result.manifest.bytes) : goIndent(result.manifest.bytes.toString('utf8'), '\t'));
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
