// Which blobs the index reaches: index -> manifests -> config + layers (+ subject). GC deletes
// only what this walk proves unreachable, so the walk errs towards keeping:
//  - a manifest it cannot parse is a "doubt", and gc() then deletes nothing at all;
//  - a blob of unknown type that is JSON contributes every digest found anywhere inside it;
//  - a manifest that is not in the store (a single-platform pull of an index) is fine: its
//    children cannot be in the store on its account.
import { promises as fs } from 'node:fs';
import { isDigest } from '../../oci/digest.js';
import { parseManifest, type Descriptor } from '../../oci/manifest.js';
import { DOCKER_CONTAINER_CONFIG, OCI_EMPTY, OCI_IMAGE_CONFIG, baseMediaType, isImageManifestMediaType, isIndexMediaType } from '../../oci/media-types.js';
import { errnoCode, ioError } from './layout-fs.js';
import type { LayoutPaths } from './layout-paths.js';

/** The largest manifest the walk reads; the embedded registry accepts none larger, so gc can read all it links. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Reachability {
  digests: Set<string>;
  /** Why some content could not be reasoned about; non-empty means "delete nothing". */
  doubts: string[];
}

interface Ref {
  digest: string;
  mediaType: string;
}

export async function reachableFrom(paths: LayoutPaths, roots: readonly Descriptor[]): Promise<Reachability> {
  const digests = new Set<string>();
  const doubts: string[] = [];
  const queue: Ref[] = roots.map((d) => ({ digest: d.digest, mediaType: d.mediaType }));
  for (let ref = queue.shift(); ref; ref = queue.shift()) {
    if (digests.has(ref.digest)) continue; // also ends cycles (an index that lists itself)
    digests.add(ref.digest);
    if (isLeaf(ref.mediaType)) continue;
    const bytes = await readSmallBlob(paths, ref.digest);
    if (bytes === undefined) continue;
    if (bytes === 'too-large') {
      if (isManifestType(ref.mediaType)) doubts.push(`manifest ${ref.digest} is larger than ${MAX_MANIFEST_BYTES} bytes`);
      continue;
    }
    if (isManifestType(ref.mediaType)) {
      try {
        queue.push(...childrenOf(parseManifest(bytes, ref.mediaType)));
      } catch (err) {
        doubts.push(`cannot read manifest ${ref.digest}: ${(err as Error).message}`);
      }
    } else {
      queue.push(...digestsInJson(bytes));
    }
  }
  return { digests, doubts };
}

function isManifestType(mediaType: string): boolean {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType);
}

/** Types that never reference other blobs, so their (possibly huge) content is never read. */
function isLeaf(mediaType: string): boolean {
  const mt = baseMediaType(mediaType);
  return mt === OCI_IMAGE_CONFIG || mt === DOCKER_CONTAINER_CONFIG || mt === OCI_EMPTY || mt.includes('.layer.') || mt.includes('.rootfs.');
}

function childrenOf(parsed: ReturnType<typeof parseManifest>): Ref[] {
  const subject = (parsed.kind === 'index' ? parsed.index.subject : parsed.manifest.subject) ?? undefined;
  const children: Descriptor[] = parsed.kind === 'index' ? [...parsed.index.manifests] : [parsed.manifest.config, ...parsed.manifest.layers];
  if (subject) children.push(subject);
  return children.map((d) => ({ digest: d.digest, mediaType: d.mediaType }));
}

/** Every `{digest, mediaType?}` object inside unknown JSON content (artifacts and the like). */
function digestsInJson(bytes: Buffer): Ref[] {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return []; // not JSON: opaque data, references nothing
  }
  const found: Ref[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (isDigest(o.digest)) found.push({ digest: o.digest, mediaType: typeof o.mediaType === 'string' ? o.mediaType : '' });
      Object.values(o).forEach(visit);
    }
  };
  visit(value);
  return found;
}

async function readSmallBlob(paths: LayoutPaths, digest: string): Promise<Buffer | 'too-large' | undefined> {
  const file = paths.blob(digest);
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_MANIFEST_BYTES) return 'too-large';
    return await fs.readFile(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw ioError('read', file, err);
  }
}
