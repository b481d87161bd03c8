// The manifest side of `mutate` and `append`: an image manifest pointing at its new config, with
// layers added on top (append) and annotations set or removed; an index listing its rewritten children (platforms and entry annotations
// kept), with annotations of its own. Edited as parsed JSON (unknown fields and their order
// kept) and written as Go's json.Marshal writes it, so the result's digest is reproducible.
// Pure: no I/O.
import { RegctlError } from '../../errors.js';
import { goMarshal } from '../../oci/go-json.js';
import type { KeyChanges } from './flag-values.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(bytes: Uint8Array): Json {
  const doc: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  if (!isObject(doc)) throw new RegctlError('REGCTL_INVALID_MANIFEST', 'invalid manifest: not a JSON object');
  return doc;
}

function withAnnotations(doc: Json, changes: KeyChanges | undefined): Json {
  if (!changes || Object.keys(changes).length === 0) return doc;
  const annotations: Json = isObject(doc.annotations) ? { ...doc.annotations } : {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete annotations[key];
    else annotations[key] = value;
  }
  const out: Json = { ...doc, annotations };
  if (Object.keys(annotations).length === 0) delete out.annotations;
  return out;
}

export interface NewBlob {
  digest: string;
  size: number;
}

/** A layer descriptor as written into a manifest (field order as Go's structs). */
export interface NewLayer extends NewBlob {
  mediaType: string;
}

/**
 * An image manifest with its config descriptor's digest and size replaced (media type kept),
 * `layers` appended after the existing ones, and annotations changed.
 */
export function editImageManifest(bytes: Uint8Array, edit: { config?: NewBlob; layers?: readonly NewLayer[]; annotations?: KeyChanges }): Buffer {
  const doc = parse(bytes);
  let out = doc;
  if (edit.config) {
    if (!isObject(doc.config)) throw new RegctlError('REGCTL_INVALID_MANIFEST', 'invalid manifest: no config descriptor');
    out = { ...out, config: { ...doc.config, digest: edit.config.digest, size: edit.config.size } };
  }
  if (edit.layers && edit.layers.length > 0) {
    if (!Array.isArray(doc.layers)) throw new RegctlError('REGCTL_INVALID_MANIFEST', 'invalid manifest: no layers list');
    const added = edit.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
    out = { ...out, layers: [...doc.layers, ...added] };
  }
  return Buffer.from(goMarshal(withAnnotations(out, edit.annotations)));
}

/**
 * An index whose entries name their rewritten manifests: `children` maps an entry's old digest
 * to its new manifest, or to null to leave the entry out. Entries not in the map stay as they are.
 */
export function editIndex(bytes: Uint8Array, children: ReadonlyMap<string, NewBlob | null>, annotations?: KeyChanges): Buffer {
  const doc = parse(bytes);
  if (!Array.isArray(doc.manifests)) throw new RegctlError('REGCTL_INVALID_MANIFEST', 'invalid index: no manifests list');
  const manifests: unknown[] = [];
  for (const entry of doc.manifests) {
    const digest = isObject(entry) ? entry.digest : undefined;
    const next = typeof digest === 'string' ? children.get(digest) : undefined;
    if (next === null) continue;
    manifests.push(next && isObject(entry) ? { ...entry, digest: next.digest, size: next.size } : entry);
  }
  return Buffer.from(goMarshal(withAnnotations({ ...doc, manifests }, annotations)));
}
