// Builds a tiny, deterministic OCI image layout with node only: a real gzip'd
// ustar layer, a config whose diff_ids match it, and index.json entries named by
// `org.opencontainers.image.ref.name`. Same options, same digests (for a given
// Node/zlib build, since the layer is gzip level 9). Several tags can share one
// layout: index.json is merged, an existing tag is replaced.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ustar } from './ustar.js';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface BuildOptions {
  tag?: string;
  /** Any text: changes the layer content and therefore every digest. */
  salt?: string;
  /** An OCI index with linux/amd64 and linux/arm64/v8 images instead of one manifest. */
  multiPlatform?: boolean;
}

export interface BuiltManifest {
  digest: string;
  size: number;
  platform: Platform;
  config: { digest: string; size: number };
  layers: { digest: string; size: number; diffId: string }[];
}

export interface BuiltImage {
  layoutDir: string;
  tag: string;
  /** What the tag points at: the manifest, or the index when multiPlatform. */
  digest: string;
  size: number;
  mediaType: string;
  /** One entry, or one per platform of the index. */
  manifests: BuiltManifest[];
}

const CREATED = '2024-01-01T00:00:00Z';
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function buildOciLayout(layoutDir: string, options: BuildOptions = {}): Promise<BuiltImage> {
  const tag = options.tag ?? 'latest';
  const salt = options.salt ?? '';
  const blobsDir = path.join(layoutDir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  const writeBlob = async (bytes: Buffer) => {
    const digest = sha256(bytes);
    await writeFile(path.join(blobsDir, digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };

  const platforms: Platform[] = options.multiPlatform
    ? [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]
    : [{ os: 'linux', architecture: 'amd64' }];
  const manifests: BuiltManifest[] = [];
  for (const platform of platforms) {
    const tar = ustar([
      { name: 'etc/' },
      { name: 'etc/hello.txt', content: `hello from the regctl test image ${salt} (${platformString(platform)})\n` },
      { name: 'hello.sh', content: '#!/bin/sh\ncat /etc/hello.txt\n', mode: 0o755 },
    ]);
    const diffId = sha256(tar);
    const layer = await writeBlob(gzipSync(tar, { level: 9 }));
    const config = await writeBlob(json({
      created: CREATED,
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: platform.os,
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh', '/hello.sh'] },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created: CREATED, created_by: `regctl test fixture ${salt}`.trim() }],
    }));
    const manifest = await writeBlob(json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, ...config },
      layers: [{ mediaType: MEDIA_TYPES.layer, ...layer }],
    }));
    manifests.push({ ...manifest, platform, config, layers: [{ ...layer, diffId }] });
  }

  let top = { mediaType: MEDIA_TYPES.manifest as string, digest: manifests[0]!.digest, size: manifests[0]!.size };
  if (options.multiPlatform) {
    const index = await writeBlob(json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: manifests.map((m) => ({ mediaType: MEDIA_TYPES.manifest, digest: m.digest, size: m.size, platform: m.platform })),
    }));
    top = { mediaType: MEDIA_TYPES.index, ...index };
  }
  await writeFile(path.join(layoutDir, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
  await addToIndex(layoutDir, { ...top, annotations: { 'org.opencontainers.image.ref.name': tag } });
  return { layoutDir, tag, ...top, manifests };
}

export function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

async function addToIndex(layoutDir: string, descriptor: Descriptor): Promise<void> {
  const file = path.join(layoutDir, 'index.json');
  const ref = descriptor.annotations['org.opencontainers.image.ref.name'];
  let manifests: Descriptor[] = [];
  try {
    manifests = (JSON.parse(await readFile(file, 'utf8')) as { manifests: Descriptor[] }).manifests;
  } catch {
    // a new layout
  }
  manifests = manifests.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] !== ref);
  manifests.push(descriptor);
  await writeFile(file, json({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests }));
}
