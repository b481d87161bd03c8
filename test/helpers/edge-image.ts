// A small OCI image (config + one random layer + manifest) served by an edge server, for tests
// that need a registry to misbehave in ways distribution cannot (lies, loops, expiring tokens).
import { randomBytes } from 'node:crypto';
import { blob, digestOf, manifest } from './edge-routes.js';
import type { EdgeHandler, EdgeServer } from './edge-server.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface EdgeImage {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  digest: string;
  configDigest: string;
  layerDigest: string;
}

export function makeEdgeImage(layerSize = 64 * 1024): EdgeImage {
  const layer = randomBytes(layerSize);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }));
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
    }),
  );
  return { config, layer, manifest: body, digest: digestOf(body), configDigest: digestOf(config), layerDigest: digestOf(layer) };
}

/**
 * Serves `image` as `<repo>:<tag>` (and by digest). `wrap` lets a test put a gate (auth, faults)
 * in front of every route.
 */
export function serveEdgeImage(edge: EdgeServer, repo: string, tag: string, image: EdgeImage, wrap: (h: EdgeHandler) => EdgeHandler = (h) => h): void {
  edge.on('GET', `/v2/${repo}/manifests/${tag}`, wrap(manifest(image.manifest, OCI_MANIFEST)));
  edge.on('GET', `/v2/${repo}/manifests/${image.digest}`, wrap(manifest(image.manifest, OCI_MANIFEST)));
  edge.on('GET', `/v2/${repo}/blobs/${image.configDigest}`, wrap(blob(image.config)));
  edge.on('GET', `/v2/${repo}/blobs/${image.layerDigest}`, wrap(blob(image.layer)));
}
