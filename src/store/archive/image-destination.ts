// An oci-archive or docker-archive tar as a transfer destination. Blobs and manifests go into a
// private layout in the temp directory (verified on the way in, like any layout write, resumed
// like one when a download breaks off); commit() writes the tar from it (oci-archive-writer.ts,
// or docker save's format: the transfer engine moves the assembled image into the one
// docker-archive writer `save` uses, docker-archive-writer.ts) through archive-target.ts, so
// FILE appears whole or not at all; close() removes the layout and any half-written temp tar. As skopeo's, the docker-archive destination refuses an existing
// non-empty FILE (it cannot add to an archive), while an oci-archive FILE is replaced whole.
// An oci-archive gets Docker manifests as OCI ones (oci-conversion.ts), as skopeo writes it:
// skopeo finds no image of Docker media types in an OCI layout.
import { RegctlError, UsageError } from '../../errors.js';
import { toOciManifests } from '../../oci/oci-conversion.js';
import { parseDockerArchiveName } from '../../reference/location.js';
import type { ImageDestination, ImageSource, ManifestResult } from '../backend.js';
import { layoutDestination } from '../layout/image-destination.js';
import { layoutSource } from '../layout/image-source.js';
import { prepareArchiveTarget } from './archive-target.js';
import { dockerArchiveName, writeDockerArchive } from './docker-archive-writer.js';
import type { ArchiveTransport } from './image-source.js';
import { writeOciArchive } from './oci-archive-writer.js';
import { openTempLayout } from './temp-layout.js';

/** Moves an image from `src` into `dst` and commits it there. */
export type ArchiveTransfer = (src: ImageSource, dst: ImageDestination) => Promise<unknown>;

export interface ArchiveDestinationOptions {
  /** Where the temporary layout goes (default: the OS temp directory). */
  tmpDir?: string;
  signal?: AbortSignal;
  /**
   * docker-archive (required there): the transfer engine (ops/archive-transfer.ts) that moves the
   * assembled image into the tar. Handed in because store backends do not import ops/.
   */
  transfer?: ArchiveTransfer;
}

/** containers/image's wording, so scripts that match skopeo's error keep matching. */
const NO_MODIFY = "docker-archive doesn't support modifying existing images";

export async function openArchiveDestination(transport: ArchiveTransport, file: string, ref: string | undefined, opts: ArchiveDestinationOptions = {}): Promise<ImageDestination> {
  const name = `${transport}:${file}${ref === undefined ? '' : `:${ref}`}`;
  if (transport === 'docker-archive' && ref !== undefined && /^@\d+$/.test(ref)) {
    throw new UsageError(`invalid location "${name}": @N selects an image to read; a docker-archive destination takes NAME:TAG`);
  }
  const tagged = transport === 'docker-archive' && ref !== undefined ? parseDockerArchiveName(ref, name) : undefined;
  const transfer = opts.transfer;
  if (transport === 'docker-archive' && !transfer) throw new RegctlError('REGCTL_INTERNAL', `${name}: a docker-archive destination needs the transfer engine`);
  const target = await prepareArchiveTarget(file, transport === 'docker-archive' ? { refuseExisting: NO_MODIFY } : {});
  const temp = await openTempLayout('archive-out', opts.tmpDir);
  const layout = layoutDestination(temp.store, { refName: undefined }, name);
  const where = `the layout assembled for ${name}`;
  const signal = opts.signal ? { signal: opts.signal } : {};
  let top: ManifestResult | undefined;
  let closed = false;
  return {
    name,
    putBlob: (d, source, o) => layout.putBlob(d, source, o),
    async putManifests(manifests, o) {
      top = await layout.putManifests(transport === 'oci-archive' ? toOciManifests(manifests) : manifests, o);
      return top;
    },
    async commit() {
      if (!top) throw new RegctlError('REGCTL_INTERNAL', `${name}: commit before the manifests`);
      const descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.size };
      const names = tagged ? [dockerArchiveName(tagged)] : [];
      const assembled = layoutSource(temp.store, descriptor, name, { origin: where });
      await target.write((out) =>
        transport === 'oci-archive'
          ? writeOciArchive(temp.store, descriptor, ref, out, { ...signal, where })
          : writeDockerArchive(out, opts.signal, async (writer) => {
              await transfer!(assembled, writer.image({ names }, name));
            }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await layout.close();
      } finally {
        await target.discard();
        await temp.remove();
      }
    },
  };
}
