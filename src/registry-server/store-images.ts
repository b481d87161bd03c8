// Images of a regctl store (or any OCI layout) in DIR/index.json, served read-only by the
// embedded registry under their full names: `docker.io/library/busybox:latest` is repository
// `docker.io/library/busybox`, tag `latest`; a port becomes `_PORT` (`127.0.0.1:5000/a:1` is
// `127.0.0.1_5000/a`), since `:` cannot appear in a repository path.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isValidPath, isValidTag } from '../reference/grammar.js';

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

const REF_NAME = 'org.opencontainers.image.ref.name';

interface IndexJson {
  manifests?: { mediaType?: string; digest?: string; size?: number; annotations?: Record<string, string> }[];
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

export async function readStoreImages(dir: string): Promise<StoreImage[]> {
  let index: IndexJson;
  try {
    index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as IndexJson;
  } catch {
    return [];
  }
  const out: StoreImage[] = [];
  for (const m of index.manifests ?? []) {
    const name = m.annotations?.[REF_NAME];
    const served = name ? servedName(name) : undefined;
    if (!served || !m.digest || !m.mediaType || typeof m.size !== 'number') continue;
    out.push({ ...served, link: { digest: m.digest, mediaType: m.mediaType, size: m.size } });
  }
  return out;
}
