// An oci-archive or docker-archive tar as a transfer source. The tar is read once, front to
// back (archive-reader.ts), into a private layout in the temp directory, or, when the transfer
// goes into the regctl store anyway, straight into that store (`unpackInto`, as `load` reads
// every image of an archive, archive-images.ts), so no blob is written twice. The location's one
// image is then found in what was read (oci-archive-entry.ts, docker-archive-entry.ts) and
// served by the layout backend; close() removes the temporary layout. Nothing is indexed in
// `unpackInto`: the destination does that.
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ImageSource } from '../backend.js';
import { ioError } from '../layout/layout-fs.js';
import { layoutSource } from '../layout/image-source.js';
import type { LayoutStore } from '../layout/layout-store.js';
import { withArchive } from './archive-reader.js';
import { dockerArchiveEntry } from './docker-archive-entry.js';
import { ociArchiveEntry } from './oci-archive-entry.js';
import { openTempLayout } from './temp-layout.js';

export type ArchiveTransport = 'oci-archive' | 'docker-archive';

export interface ArchiveSourceOptions {
  signal?: AbortSignal;
  /** Where the temporary layout goes (default: the OS temp directory). */
  tmpDir?: string;
  /** Unpack into this store (the transfer's destination) instead of a temporary layout. */
  unpackInto?: LayoutStore;
}

/** Opens `file` for reading: REGCTL_IO naming the file when it is missing or unreadable. */
async function openArchiveFile(file: string): Promise<Readable> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
    return handle.createReadStream({ highWaterMark: 1024 * 1024 });
  } catch (err) {
    await handle?.close().catch(() => undefined);
    throw ioError('read', file, err);
  }
}

export async function openArchiveSource(transport: ArchiveTransport, file: string, ref: string | undefined, opts: ArchiveSourceOptions = {}): Promise<ImageSource> {
  const name = `${transport}:${file}${ref === undefined ? '' : `:${ref}`}`;
  const input = await openArchiveFile(file);
  const temp = opts.unpackInto ? undefined : await openTempLayout('archive', opts.tmpDir).catch((err: unknown) => {
    input.destroy();
    throw err;
  });
  const store = opts.unpackInto ?? temp!.store;
  try {
    const signal = opts.signal ? { signal: opts.signal } : {};
    const top = await withArchive(store, input, signal, (contents) =>
      transport === 'oci-archive' ? ociArchiveEntry(store, contents, ref, name, opts.tmpDir ? { tmpDir: opts.tmpDir } : {}) : dockerArchiveEntry(store, contents, ref, name, signal),
    );
    return layoutSource(store, top, name, { onClose: async () => temp?.remove() });
  } catch (err) {
    input.destroy();
    await temp?.remove();
    throw err;
  }
}
