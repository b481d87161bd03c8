// The image config side of `append`: each new layer's diff_id after the base's in
// rootfs.diff_ids, one history entry per layer (not empty_layer, so history and layers stay
// paired as docker and buildah expect), and `created`. Edited as parsed JSON (unknown fields and
// their order kept) and written as Go's json.Marshal writes it (oci/go-json.ts), so the same
// base and layers at the same time give the same digest. Pure: no I/O.
import { goMarshal } from '../../oci/go-json.js';
import { parseConfigObject } from '../mutate/config-edit.js';

export interface AddedLayer {
  /** sha256 of the layer's uncompressed tar. */
  diffId: string;
  /** The history entry's created_by. */
  createdBy: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config `bytes` with `layers` on top, dated `created` (RFC 3339). */
export function appendLayersToConfig(bytes: Uint8Array, layers: readonly AddedLayer[], created: string): Buffer {
  const doc = parseConfigObject(bytes);
  const rootfs: Json = isObject(doc.rootfs) ? { ...doc.rootfs } : { type: 'layers' };
  const diffIds = Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids : [];
  rootfs.diff_ids = [...diffIds, ...layers.map((l) => l.diffId)];
  const out: Json = { ...doc, created, rootfs };
  // A base without history keeps none: one entry alone would pair with the wrong layer.
  if (Array.isArray(doc.history)) out.history = [...doc.history, ...layers.map((l) => ({ created, created_by: l.createdBy }))];
  return Buffer.from(goMarshal(out));
}
