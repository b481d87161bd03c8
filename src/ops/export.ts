// `export`: the flattened filesystem of an image as one tar, as `crane export` / `docker export`
// write it: the layers applied in order with whiteouts and opaque directories honoured
// (filesystem/flatten.ts), streamed from the image's location (a registry, store:, oci:, an
// archive) straight into the output; each layer is read once and checked against its digest.
// Without a file the tar goes to the caller's stream; with one, it appears there only once
// complete (store/archive/archive-target.ts). Returns data; never prints.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import type { Platform } from '../oci/manifest.js';
import type { Location } from '../reference/location.js';
import { prepareArchiveTarget } from '../store/archive/archive-target.js';
import { flattenLayers } from './filesystem/flatten.js';
import { resolveImageLayers } from './filesystem/image-layers.js';
import { openSource, type LocationContext } from './open-location.js';

export interface ExportOptions {
  /** The platform of an index to export (default: this machine's). */
  platform?: Platform;
  signal?: AbortSignal;
}

export interface ExportResult {
  /** The image manifest exported (a platform's, for an index). */
  digest: string;
  platform?: Platform;
  layers: number;
}

/** Streams the filesystem of the image at `from` into `out` as a tar; `out` is ended when it is complete. */
export async function exportFilesystem(ctx: LocationContext, from: Location, out: Writable, opts: ExportOptions = {}): Promise<ExportResult> {
  const source = await openSource(from, ctx);
  try {
    const image = await resolveImageLayers(source, opts.platform ? { platform: opts.platform } : {});
    const p = pack();
    const signal = opts.signal ?? ctx.signal;
    const written = pipeline(p, out, ...(signal ? [{ signal }] : []));
    written.catch(() => undefined);
    try {
      await flattenLayers(image.layers, p, { where: source.name, ...(signal ? { signal } : {}) });
      p.finalize();
    } catch (err) {
      p.destroy(err as Error);
      await written.catch(() => undefined);
      throw err;
    }
    await written;
    return { digest: image.digest, ...(image.platform ? { platform: image.platform } : {}), layers: image.layers.length };
  } finally {
    await source.close();
  }
}

/**
 * `export -o FILE`: the same tar, visible at FILE only once complete and every layer verified;
 * a failure leaves FILE as it was and no temp file behind. FILE's directory must exist.
 */
export async function exportFilesystemToFile(ctx: LocationContext, from: Location, file: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const target = await prepareArchiveTarget(file, { failure: 'failed to export image' });
  let result: ExportResult | undefined;
  try {
    await target.write(async (out) => {
      result = await exportFilesystem(ctx, from, out, opts);
    });
  } finally {
    await target.discard();
  }
  return result!;
}
