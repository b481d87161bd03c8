// An image's layers flattened into one tar, in one pass and without staging, as crane's
// mutate.Extract does it: the layers are read from the top down, and an entry is written only
// when no upper layer already wrote or deleted its path (whiteouts.ts), so each layer streams
// once, straight from its source into the output. Entries therefore come top layer first; within
// a layer, the first entry of a path wins. Whiteout and opaque markers are never written.
// Hardlinks are written as the layer has them (crane does the same): one whose target an upper
// layer replaced or deleted points at the upper file, or at nothing.
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

/** Writes the flattened filesystem of `layers` (base first, as in the manifest) into `p`; `p` is not finalized. */
export async function flattenLayers(layers: readonly LayerInput[], p: Pack, opts: FlattenOptions): Promise<void> {
  const stack = new LayerStack();
  for (let i = layers.length - 1; i >= 0; i--) {
    const { descriptor, blob } = layers[i]!;
    let written = 0;
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
        stream.resume();
        continue;
      }
      const isFile = header.type === 'file' || header.type === 'contiguous-file';
      stack.keep(name, header.type === 'directory');
      await writeEntry(p, outputHeader(header, name), isFile ? stream : undefined);
      if (!isFile) stream.resume();
      written++;
    }
    stack.endLayer();
    opts.onLayer?.(descriptor, written);
  }
}
