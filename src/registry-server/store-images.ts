// Images of a regctl store (or any OCI layout) in DIR/index.json, served read-only by the
// embedded registry under their full names: `docker.io/library/busybox:latest` is repository
// `docker.io/library/busybox`, tag `latest`; a port becomes `_PORT` (`127.0.0.1:5000/a:1` is
// `127.0.0.1_5000/a`), since `:` cannot appear in a repository path. The names are the ones the
// store itself reads (image-names.ts), so `regctl images` and the registry agree.
import { isValidPath, isValidTag } from '../reference/grammar.js';
import type { LayoutStore } from '../store/layout/layout-store.js';

export interface ManifestLink {
  digest: string;
  mediaType: string;
  size: number;
}

export interface StoreImage {
  repo: string;
  tag: string;
  link: ManifestLink;
}

/** `HOST[:PORT]/PATH:TAG` -> repository and tag; undefined for names without a host, digests, or odd shapes. */
export function servedName(name: string): { repo: string; tag: string } | undefined {
  const colon = name.lastIndexOf(':');
  if (name.includes('@') || colon < 0 || colon < name.lastIndexOf('/')) return undefined;
  const tag = name.slice(colon + 1);
  const full = name.slice(0, colon);
  const slash = full.indexOf('/');
  if (slash < 0) return undefined;
  const repo = `${full.slice(0, slash).replace(':', '_')}${full.slice(slash)}`.toLowerCase();
  return isValidPath(repo) && isValidTag(tag) ? { repo, tag } : undefined;
}

/** The store's named images (read by the store's index code) that have a servable name. */
export async function readStoreImages(store: LayoutStore): Promise<StoreImage[]> {
  const out: StoreImage[] = [];
  for (const { name, descriptor } of await store.listImages()) {
    const served = servedName(name);
    if (served) out.push({ ...served, link: { digest: descriptor.digest, mediaType: descriptor.mediaType, size: descriptor.size } });
  }
  return out;
}
