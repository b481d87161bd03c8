// `manifest inspect`: the manifest or index a reference resolves to, and for --verbose each
// image manifest with its descriptor (children of an index fetched by digest).
import { isIndexMediaType } from '../oci/media-types.js';
import type { Descriptor, Platform } from '../oci/manifest.js';
import type { Reference } from '../reference/parse.js';
import { getBlobBytes } from '../store/remote/blob.js';
import { getManifest, type ManifestResult } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';

export interface InspectedManifest {
  ref: Reference;
  manifest: ManifestResult;
  /** Parsed JSON of the manifest bytes. */
  json: Record<string, unknown>;
  /** For an image manifest (when details were requested): the platform its config declares. */
  platform?: Platform;
  /** For an index, each child manifest (when details were requested). */
  children?: { ref: Reference; platform?: Platform; manifest: ManifestResult; json: Record<string, unknown> }[];
}

export interface InspectManifestOptions {
  /** Fetch the children of an index, or an image's config for its platform (docker manifest inspect --verbose). */
  children?: boolean;
  signal?: AbortSignal;
}

function parseJson(m: ManifestResult): Record<string, unknown> {
  return JSON.parse(m.bytes.toString('utf8')) as Record<string, unknown>;
}

export async function inspectManifest(remote: RemoteRegistry, ref: Reference, opts: InspectManifestOptions = {}): Promise<InspectedManifest> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const manifest = await getManifest(remote, ref, signal);
  const json = parseJson(manifest);
  const result: InspectedManifest = { ref, manifest, json };
  if (opts.children && !isIndexMediaType(manifest.mediaType)) {
    const config = (json.config ?? {}) as Partial<Descriptor>;
    if (typeof config.digest === 'string') {
      const c = JSON.parse((await getBlobBytes(remote, ref, config.digest, signal)).toString('utf8')) as Partial<Platform>;
      if (c.architecture && c.os) {
        result.platform = { architecture: c.architecture, os: c.os, ...(c.variant ? { variant: c.variant } : {}) };
      }
    }
  }
  if (opts.children && isIndexMediaType(manifest.mediaType)) {
    const descriptors = (Array.isArray(json.manifests) ? json.manifests : []) as Descriptor[];
    result.children = await Promise.all(
      descriptors.map(async (d) => {
        const childRef = ref.withDigest(d.digest);
        const child = await getManifest(remote, childRef, signal);
        return { ref: childRef, ...(d.platform ? { platform: d.platform } : {}), manifest: child, json: parseJson(child) };
      }),
    );
  }
  return result;
}
