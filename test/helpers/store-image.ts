// Writes generated images straight into a LayoutStore (gzip'd random layer bytes, a config with
// their real diff_ids, an OCI manifest; optionally an index over platforms),
// for push tests that need blobs no registry has seen yet, or bigger ones than the seeds.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { LayoutStore } from '../../src/store/layout/layout-store.js';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface GeneratedManifest {
  digest: string;
  size: number;
  bytes: Buffer;
  configDigest: string;
  configSize: number;
  /** Bottom layer first, as in the manifest. `size` is the compressed size (a little above the requested one). */
  layers: { digest: string; size: number; diffId: string }[];
  platform: { os: string; architecture: string; variant?: string };
}

export interface GeneratedImage {
  /** What the stored name points at: the manifest, or the index for several platforms. */
  digest: string;
  size: number;
  mediaType: string;
  manifests: GeneratedManifest[];
}

/** A gzip'd random layer of about `size` bytes, stored; with its diff ID. */
async function writeLayer(store: LayoutStore, size: number): Promise<GeneratedManifest['layers'][number]> {
  // Real gzip (skopeo would otherwise re-type the layer as uncompressed and change the manifest).
  const raw = randomBytes(size);
  const bytes = gzipSync(raw, { level: 1 });
  const digest = sha256(bytes);
  await store.writeBlobBytes(digest, bytes);
  return { digest, size: bytes.length, diffId: sha256(raw) };
}

/** Stores the config over `layers` and the OCI manifest naming them. */
async function writeImageManifest(store: LayoutStore, layers: GeneratedManifest['layers'], platform: GeneratedManifest['platform'], created: string): Promise<GeneratedManifest> {
  const config = Buffer.from(JSON.stringify({ ...platform, created, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }));
  await store.writeBlobBytes(sha256(config), config);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: OCI_LAYER, digest: l.digest, size: l.size })),
    }),
  );
  await store.writeBlobBytes(sha256(bytes), bytes);
  return { digest: sha256(bytes), size: bytes.length, bytes, configDigest: sha256(config), configSize: config.length, layers, platform };
}

async function writeManifest(store: LayoutStore, layerSizes: readonly number[], platform: GeneratedManifest['platform']): Promise<GeneratedManifest> {
  const layers: GeneratedManifest['layers'] = [];
  for (const size of layerSizes) layers.push(await writeLayer(store, size));
  return writeImageManifest(store, layers, platform, '2024-01-01T00:00:00Z');
}

/**
 * Stores a new image under `name` (a full reference). `platforms` > 1 makes an OCI index with
 * one manifest per platform, each with its own random layers of `layerSizes`.
 */
export async function putGeneratedImage(
  store: LayoutStore,
  name: string,
  opts: { layerSizes?: readonly number[]; platforms?: readonly GeneratedManifest['platform'][] } = {},
): Promise<GeneratedImage> {
  const layerSizes = opts.layerSizes ?? [2000, 3000];
  const platforms = opts.platforms ?? [{ os: 'linux', architecture: 'amd64' }];
  const manifests: GeneratedManifest[] = [];
  for (const p of platforms) manifests.push(await writeManifest(store, layerSizes, p));
  if (manifests.length === 1) {
    const m = manifests[0]!;
    await store.putImage(name, { mediaType: OCI_MANIFEST, digest: m.digest, size: m.size });
    return { digest: m.digest, size: m.size, mediaType: OCI_MANIFEST, manifests };
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: manifests.map((m) => ({ mediaType: OCI_MANIFEST, digest: m.digest, size: m.size, platform: m.platform })),
    }),
  );
  await store.writeBlobBytes(sha256(index), index);
  await store.putImage(name, { mediaType: OCI_INDEX, digest: sha256(index), size: index.length });
  return { digest: sha256(index), size: index.length, mediaType: OCI_INDEX, manifests };
}

/** docker's push ID of a generated layer: its diff ID's first 12 hex. */
export const pushId = (layer: { diffId: string }) => layer.diffId.slice(7, 19);

/**
 * Stores an image built on `base`: its layers (the same blobs) plus one new layer on top, with
 * its own config, as `docker build FROM base` makes one. For tests of what images share.
 */
export async function putDerivedImage(store: LayoutStore, name: string, base: GeneratedManifest, layerSize = 1500): Promise<GeneratedImage> {
  const m = await writeImageManifest(store, [...base.layers, await writeLayer(store, layerSize)], base.platform, '2024-01-02T00:00:00Z');
  await store.putImage(name, { mediaType: OCI_MANIFEST, digest: m.digest, size: m.size });
  return { digest: m.digest, size: m.size, mediaType: OCI_MANIFEST, manifests: [m] };
}
