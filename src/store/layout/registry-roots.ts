// A store directory may also be served by `regctl registry serve --dir`: the manifests that
// registry links under registry/repositories/<repo>/_manifests/<alg>/<hex> are GC roots too,
// so `regctl rmi` never deletes content the embedded registry still serves.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Descriptor } from '../../oci/manifest.js';

export const REGISTRY_REPOSITORIES_DIR = path.join('registry', 'repositories');
/** Per repository: `_manifests/<alg>/<hex>` links (JSON {digest, mediaType, size}) and `_tags/<tag>`. */
export const MANIFEST_LINKS_DIR = '_manifests';
export const TAG_LINKS_DIR = '_tags';
/** Per repository: `_referrers/<subject alg>/<subject hex>/<alg>/<hex>`, an index of manifest links, not roots. */
export const REFERRER_LINKS_DIR = '_referrers';

export async function registryRoots(dir: string): Promise<Descriptor[]> {
  const roots: Descriptor[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const sub = path.join(d, e.name);
      if (e.name !== MANIFEST_LINKS_DIR) {
        if (e.name !== TAG_LINKS_DIR && e.name !== REFERRER_LINKS_DIR) await walk(sub);
        continue;
      }
      for (const algorithm of await fs.readdir(sub).catch(() => [] as string[])) {
        for (const hex of await fs.readdir(path.join(sub, algorithm)).catch(() => [] as string[])) {
          try {
            const link = JSON.parse(await fs.readFile(path.join(sub, algorithm, hex), 'utf8')) as { mediaType: string; size: number };
            roots.push({ mediaType: link.mediaType, digest: `${algorithm}:${hex}`, size: link.size });
          } catch {
            // A temp file or a torn link: the manifest's blob stays unreferenced, as before.
          }
        }
      }
    }
  };
  await walk(path.join(dir, REGISTRY_REPOSITORIES_DIR));
  return roots;
}
