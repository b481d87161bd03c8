// An image's layers flattened into one tar, in one pass and without staging, as crane's
// mutate.Extract does it: the layers are read from the top down, and an entry is written only
// when no upper layer already wrote or deleted its path (whiteouts.ts), so each layer streams
// once, straight from its source into the output. Entries therefore come top layer first; within
// a layer, the first entry of a path wins. Whiteout and opaque markers are never written.
// Hardlinks are written as the layer has them, except one whose target (a file of its layer) an
// upper layer replaced or deleted: crane writes it as it is, pointing at the upper file or at
// nothing; here that layer is read a second time and the link becomes a file with the target's
// old content (writeOrphanedLinks). A hardlink to a file of a lower layer is written as it is
// (layer tools do not make them); it comes before its target in the output.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Header as TarHeader, Pack } from 'tar-stream';

type Header = Partial<Omit<TarHeader, 'pax'>> & { name: string; pax?: Record<string, string> };
import type { Descriptor } from '../../oci/manifest.js';
import type { BlobSource } from '../../store/backend.js';
import { layerEntries } from './layer-reader.js';
import { classifyEntry, LayerStack, normalizeLayerPath } from './whiteouts.js';

/** One layer to read: its descriptor and where its bytes come from. */
export interface LayerInput {
  descriptor: Descriptor;
  blob: BlobSource;
}

export interface FlattenOptions {
  signal?: AbortSignal;
  /** Where the image comes from, for messages. */
  where: string;
  /** After each layer, top first: entries written from it. */
  onLayer?: (layer: Descriptor, written: number) => void;
}

/** pax records worth keeping (xattrs and the like); the ones tar-stream rewrites itself are dropped. */
const REWRITTEN_PAX = new Set(['path', 'linkpath', 'size', 'mtime', 'uid', 'gid', 'uname', 'gname', 'atime', 'ctime']);

function outputHeader(h: Header, name: string): Header {
  const out: Header = {
    name: h.type === 'directory' ? `${name}/` : name,
    // A file type bit keeps tar-stream from turning mode 0 (RHEL's /etc/shadow) into 0644; it is masked off when encoded.
    mode: (h.mode ?? (h.type === 'directory' ? 0o755 : 0o644)) | 0o100000,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    size: h.type === 'file' || h.type === 'contiguous-file' ? (h.size ?? 0) : 0,
    mtime: h.mtime ?? new Date(0),
    type: h.type === 'contiguous-file' ? 'file' : (h.type ?? 'file'),
  };
  if (h.uname) out.uname = h.uname;
  if (h.gname) out.gname = h.gname;
  if (h.linkname) out.linkname = h.type === 'link' ? normalizeLayerPath(h.linkname, '') : h.linkname;
  if (h.devmajor !== undefined) out.devmajor = h.devmajor;
  if (h.devminor !== undefined) out.devminor = h.devminor;
  const pax = Object.entries(h.pax ?? {}).filter(([k]) => !REWRITTEN_PAX.has(k));
  if (pax.length > 0) out.pax = Object.fromEntries(pax);
  return out;
}

function writeEntry(p: Pack, header: Header, body: AsyncIterable<Uint8Array> | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const entry = p.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) pipeline(Readable.from(body), entry).catch(reject);
  });
}

const isRegular = (h: Header) => h.type === 'file' || h.type === 'contiguous-file';

/**
 * Hardlinks of one layer whose target (a file of the same layer) an upper layer replaced or
 * deleted: the link must keep the target's old content, which the output does not hold. Once the
 * layer is read, it is read again for those targets: the first link of each becomes a regular
 * file with the target's metadata and content, the others hardlinks to it.
 */
async function writeOrphanedLinks(layer: LayerInput, orphans: Map<string, string[]>, p: Pack, opts: FlattenOptions): Promise<number> {
  let written = 0;
  for await (const { header: raw, stream } of layerEntries(layer.blob, layer.descriptor, opts.where, opts.signal)) {
    const header = raw as unknown as Header;
    const name = normalizeLayerPath(header.name, layer.descriptor.digest);
    const links = isRegular(header) ? orphans.get(name) : undefined;
    if (!links) {
      stream.resume();
      continue;
    }
    orphans.delete(name);
    const [first, ...rest] = links as [string, ...string[]];
    await writeEntry(p, outputHeader(header, first), stream);
    for (const link of rest) await writeEntry(p, { ...outputHeader(header, link), type: 'link', linkname: first, size: 0 }, undefined);
    written += links.length;
  }
  return written;
}

/** Writes the flattened filesystem of `layers` (base first, as in the manifest) into `p`; `p` is not finalized. */
export async function flattenLayers(layers: readonly LayerInput[], p: Pack, opts: FlattenOptions): Promise<void> {
  const stack = new LayerStack();
  for (let i = layers.length - 1; i >= 0; i--) {
    const { descriptor, blob } = layers[i]!;
    let written = 0;
    /** Regular files of this layer an upper layer hides, and the hardlinks to them found visible (link target -> link names). */
    const hiddenFiles = new Set<string>();
    const orphans = new Map<string, string[]>();
    for await (const { header: raw, stream } of layerEntries(blob, descriptor, opts.where, opts.signal)) {
      const header = raw as unknown as Header;
      const name = normalizeLayerPath(header.name, descriptor.digest);
      const kind = name === '' ? { kind: 'metadata' as const } : classifyEntry(name);
      if (kind.kind === 'whiteout' || kind.kind === 'opaque') {
        stack.mark(kind);
        stream.resume();
        continue;
      }
      if (kind.kind === 'metadata' || stack.hidden(name)) {
        if (kind.kind === 'entry' && isRegular(header)) hiddenFiles.add(name);
        stream.resume();
        continue;
      }
      stack.keep(name, header.type === 'directory');
      const target = header.type === 'link' ? normalizeLayerPath(header.linkname ?? '', descriptor.digest) : undefined;
      if (target !== undefined && hiddenFiles.has(target)) {
        orphans.set(target, [...(orphans.get(target) ?? []), name]);
        stream.resume();
        continue;
      }
      await writeEntry(p, outputHeader(header, name), isRegular(header) ? stream : undefined);
      if (!isRegular(header)) stream.resume();
      written++;
    }
    if (orphans.size > 0) written += await writeOrphanedLinks(layers[i]!, orphans, p, opts);
    stack.endLayer();
    opts.onLayer?.(descriptor, written);
  }
}
