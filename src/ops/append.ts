// `append`: new layers on top of a base image, without a daemon and without downloading the
// base's layers (crane append, ko and jib's app layer, buildah's copy + commit). Each layer is
// packed first (store/files/layer-pack.ts: a directory or a tar, entries sorted, owner 0:0 or
// the given one, mtimes from the timestamp when one is given) into a temp file, hashed on the
// way: a bad PATH fails before anything is read or written anywhere. Then the rewrite engine
// (image-rewrite.ts) gives every image of the base (every platform of an index, unless one is
// picked) the same layer blobs, their diff_ids and history entries, and the base annotations,
// and moves the result: the base's layers already there, mounted or streamed through as in
// copy, the new ones uploaded from their files. Returns data and emits the engine's events.
import path from 'node:path';
import { UsageError } from '../errors.js';
import { digestOf } from '../oci/digest.js';
import { DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST_V2, OCI_LAYER_TAR_GZIP } from '../oci/media-types.js';
import type { Location } from '../reference/location.js';
import { fileBlobSource } from '../store/files/file-blob.js';
import { packLayer, type PackedLayer } from '../store/files/layer-pack.js';
import { appendLayersToConfig, type AddedLayer } from './append/config-layers.js';
import { CONFIG_LIMIT, rewrite, type ImageEdit, type RewriteOptions, type RewriteResult } from './image-rewrite.js';
import { formatCreated } from './mutate/flag-values.js';
import { editImageManifest } from './mutate/manifest-edit.js';
import type { LocationContext } from './open-location.js';

/** image-spec's annotations for the image a new one is built on. */
export const BASE_NAME_ANNOTATION = 'org.opencontainers.image.base.name';
export const BASE_DIGEST_ANNOTATION = 'org.opencontainers.image.base.digest';

export interface AppendLayer {
  /** A directory, or a `.tar` / `.tar.gz` file. */
  path: string;
  /** Where the layer's entries land in the image (an absolute path; default `/`). */
  dest?: string;
}

export interface AppendOptions extends RewriteOptions {
  /** The new layers, bottom first. */
  layers: readonly AppendLayer[];
  /** uid/gid of every entry (default 0:0). */
  owner?: { uid: number; gid: number };
  /**
   * SOURCE_DATE_EPOCH: every entry's mtime, the config's `created` and the history entries take
   * it, so the same inputs give the same digest anywhere. Default: mtimes kept, created now.
   */
  timestamp?: Date;
  /** Where the layers are staged (default: the OS temp directory). */
  tmpDir?: string;
}

export type AppendResult = RewriteResult & {
  /** The new layers as they went up: the gzip blob's digest and size, the tar's diff_id. */
  layers: { digest: string; size: number; diffId: string }[];
};

/** A layer's DEST as an absolute, normalised POSIX path; a usage error for a relative one. */
export function layerDestination(dest: string | undefined): string {
  if (dest === undefined || dest === '') return '/';
  if (!dest.startsWith('/')) throw new UsageError(`invalid --layer destination ${JSON.stringify(dest)}: expected an absolute path in the image, such as /app`);
  return path.posix.normalize(dest).replace(/(.)\/+$/, '$1');
}

/** `--layer PATH[:DEST]`: DEST is after the last colon when it starts with `/` (so `C:\x` or `a:b` stay paths). */
export function parseLayerFlag(value: string): AppendLayer {
  const colon = value.lastIndexOf(':');
  if (colon > 0 && value[colon + 1] === '/') return { path: value.slice(0, colon), dest: layerDestination(value.slice(colon + 1)) };
  if (value === '') throw new UsageError('invalid --layer value "": expected PATH[:DEST]');
  return { path: value };
}

function appending(from: Location, packed: readonly PackedLayer[], added: readonly AddedLayer[], created: string): ImageEdit {
  return {
    verb: 'append',
    changes: 'container images',
    async image(source, m, manifest, blobs) {
      const config = appendLayersToConfig(await source.blobBytes(manifest.config.digest, CONFIG_LIMIT), added, created);
      const configBlob = { digest: digestOf(config), size: config.length };
      blobs.bytes.set(configBlob.digest, config);
      const mediaType = m.mediaType === DOCKER_MANIFEST_V2 ? DOCKER_LAYER_TAR_GZIP : OCI_LAYER_TAR_GZIP;
      for (const layer of packed) blobs.sources.set(layer.digest, fileBlobSource(layer, 'the new layer'));
      return editImageManifest(m.bytes, {
        config: configBlob,
        layers: packed.map((l) => ({ mediaType, digest: l.digest, size: l.size })),
        annotations: baseAnnotations(from, m.digest),
      });
    },
    indexAnnotations: (resolved) => baseAnnotations(from, resolved.digest),
  };
}

/** The base's digest always; its name only for a registry base (a layout's path is this machine's). */
function baseAnnotations(from: Location, digest: string): Record<string, string> {
  return { ...(from.transport === 'docker' ? { [BASE_NAME_ANNOTATION]: from.ref.toString() } : {}), [BASE_DIGEST_ANNOTATION]: digest };
}

/** As docker records a COPY (`COPY dir:HASH in /app`): by content, not by this machine's path, so it stays reproducible. */
const createdBy = (diffId: string, dest: string) => `regctl append ${diffId} in ${dest}`;

/** Appends `opts.layers` to the image at `from`, written to `to`; the staged layers are removed whatever happens. */
export async function append(ctx: LocationContext, from: Location, to: Location, opts: AppendOptions): Promise<AppendResult> {
  if (opts.layers.length === 0) throw new UsageError('nothing to append: give at least one --layer PATH[:DEST]');
  const packed: PackedLayer[] = [];
  try {
    for (const layer of opts.layers) {
      packed.push(
        await packLayer(layer.path, {
          dest: layerDestination(layer.dest),
          ...(opts.owner ? { owner: opts.owner } : {}),
          ...(opts.timestamp ? { mtime: opts.timestamp } : {}),
          ...(opts.tmpDir ?? ctx.tmpDir ? { tmpDir: (opts.tmpDir ?? ctx.tmpDir)! } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        }),
      );
    }
    const added = opts.layers.map((l, i) => ({ diffId: packed[i]!.diffId, createdBy: createdBy(packed[i]!.diffId, layerDestination(l.dest)) }));
    const created = formatCreated(opts.timestamp ?? new Date());
    const result = await rewrite(ctx, appending(from, packed, added, created), from, to, opts);
    return { ...result, layers: packed.map((l) => ({ digest: l.digest, size: l.size, diffId: l.diffId })) };
  } finally {
    await Promise.all(packed.map((l) => l.remove().catch(() => undefined)));
  }
}
