// `cat`: one file of an image, without pulling the image: its layers are read from the top down
// only until the file is found (filesystem/find-file.ts), streamed from wherever the image is
// (a registry, store:, oci:, an archive), and the file's bytes written to the caller's stream.
// Returns data; never prints.
import type { Writable } from 'node:stream';
import type { Platform } from '../oci/manifest.js';
import type { Location } from '../reference/location.js';
import { findFile } from './filesystem/find-file.js';
import { resolveImageLayers } from './filesystem/image-layers.js';
import { openSource, type LocationContext } from './open-location.js';

export interface CatOptions {
  /** The platform of an index to read (default: this machine's). */
  platform?: Platform;
  signal?: AbortSignal;
}

export interface CatResult {
  /** The image manifest read (a platform's, for an index). */
  digest: string;
  platform?: Platform;
}

/** Writes the content of `file` (a path in the image; symlinks followed inside it) into `out`, which is ended once it is all there. */
export async function catFile(ctx: LocationContext, from: Location, file: string, out: Writable, opts: CatOptions = {}): Promise<CatResult> {
  const source = await openSource(from, ctx);
  try {
    const image = await resolveImageLayers(source, opts.platform ? { platform: opts.platform } : {});
    const signal = opts.signal ?? ctx.signal;
    await findFile(image.layers, file, out, { where: source.name, ...(signal ? { signal } : {}) });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return { digest: image.digest, ...(image.platform ? { platform: image.platform } : {}) };
  } finally {
    await source.close();
  }
}
