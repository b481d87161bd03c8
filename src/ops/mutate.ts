// `mutate`: a new image config and manifest (entrypoint, cmd, env, labels, workdir, user,
// exposed ports, created; manifest annotations) for an image that stays where it is, its layers
// never downloaded. The per-image change is here; reading, index handling, the target rule and
// the transfer are the rewrite engine's (image-rewrite.ts), which append shares. An index is
// mutated on every platform unless a platform is picked; annotations go on the image the result
// names (the index, for a whole index). Without a target, the source's tag (or store name, or
// layout name) moves to the new image. Returns data and emits the engine's events; never prints.
import { UsageError } from '../errors.js';
import { digestOf } from '../oci/digest.js';
import type { Location } from '../reference/location.js';
import { CONFIG_LIMIT, rewrite, rewriteTarget, type ImageEdit, type RewriteOptions, type RewriteResult } from './image-rewrite.js';
import { changesConfig, editConfig, type ConfigChanges } from './mutate/config-edit.js';
import type { KeyChanges } from './mutate/flag-values.js';
import { editImageManifest, type NewBlob } from './mutate/manifest-edit.js';
import type { LocationContext } from './open-location.js';

export type { ConfigChanges } from './mutate/config-edit.js';
export type { CommandForm } from './mutate/command-form.js';
export type { KeyChanges } from './mutate/flag-values.js';

export interface MutateOptions extends ConfigChanges, RewriteOptions {
  /** Manifest annotations (of the index, for a whole index) to set, or remove (null). */
  annotations?: KeyChanges;
}

export type MutateResult = RewriteResult;

/**
 * Where the mutated image goes. Without a target, the source itself: a registry tag (a
 * digest-only source has none to move: usage error), a store name, a layout's named image. A
 * registry target without a tag takes the source's tag; a target cannot name a digest.
 */
export function mutateTarget(from: Location, to?: Location): Location {
  return rewriteTarget('mutate', from, to);
}

function mutation(opts: MutateOptions): ImageEdit {
  return {
    verb: 'mutate',
    changes: 'image configs',
    async image(source, m, manifest, blobs, top) {
      let config: NewBlob | undefined;
      if (changesConfig(opts)) {
        const edited = editConfig(await source.blobBytes(manifest.config.digest, CONFIG_LIMIT), opts);
        config = { digest: digestOf(edited.bytes), size: edited.bytes.length };
        blobs.bytes.set(config.digest, edited.bytes);
      }
      const annotations = top ? opts.annotations : undefined;
      return editImageManifest(m.bytes, { ...(config ? { config } : {}), ...(annotations ? { annotations } : {}) });
    },
    indexAnnotations: () => opts.annotations,
  };
}

/** Mutates the image at `from` into `to` (default: `from` itself); both ends are closed whatever happens. */
export async function mutate(ctx: LocationContext, from: Location, to: Location | undefined, opts: MutateOptions = {}): Promise<MutateResult> {
  rewriteTarget('mutate', from, to);
  if (!changesConfig(opts) && Object.keys(opts.annotations ?? {}).length === 0) {
    throw new UsageError('nothing to change: give at least one of --entrypoint, --cmd, --env, --label, --annotation, --workdir, --user, --expose, --created');
  }
  return rewrite(ctx, mutation(opts), from, to, opts);
}
