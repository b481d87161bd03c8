// local-image (describe/list/find/resolve) and image-summary (docker's ImageList grouping),
// over a store written through LayoutStore.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostPlatform } from '../../../src/oci/platform.js';
import { summarizeImages } from '../../../src/ops/image-summary.js';
import { listLocalImages, resolveLocalImage } from '../../../src/ops/local-image.js';
import { RESOLVED_DIGEST_ANNOTATION } from '../../../src/ops/pull.js';
import { referenceMatcher } from '../../../src/ops/reference-filter.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

let dir: string;
let store: LayoutStore;

async function put(bytes: Buffer): Promise<{ digest: string; size: number }> {
  await store.writeBlobBytes(sha256(bytes), bytes);
  return { digest: sha256(bytes), size: bytes.length };
}

async function image(arch: string, created: string, layer: string) {
  const l = await put(Buffer.from(layer));
  const config = await put(Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', created, rootfs: { type: 'layers', diff_ids: [l.digest] } })));
  const manifest = await put(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l }] })),
  );
  return { config, manifest, layer: l, descriptor: { mediaType: MANIFEST, ...manifest } };
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-local-images-'));
  store = await LayoutStore.open(dir);
});

afterEach(async () => {
  await store.releasePins();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('describeImage / listLocalImages', () => {
  it('repoDigest: the pulled digest, the digest of a NAME@DIGEST name, else none', async () => {
    const a = await image('amd64', '2024-01-01T00:00:00Z', 'a');
    await store.putImage('docker.io/library/a:1', { ...a.descriptor, annotations: { [RESOLVED_DIGEST_ANNOTATION]: a.manifest.digest } });
    await store.putImage(`docker.io/library/a@${a.manifest.digest}`, a.descriptor);
    await store.putImage('docker.io/library/copy:1', a.descriptor);
    const byName = Object.fromEntries((await listLocalImages(store)).map((i) => [i.name, i]));
    expect(byName['docker.io/library/a:1']).toMatchObject({ repoDigest: a.manifest.digest, id: a.config.digest, layerDigests: [a.layer.digest] });
    expect(byName[`docker.io/library/a@${a.manifest.digest}`]!.repoDigest).toBe(a.manifest.digest);
    expect(byName['docker.io/library/copy:1']!.repoDigest).toBeUndefined();
  });

  it("for a multi-platform index: the index digest is the ID, this machine's config is shown, every layer is listed", async () => {
    const host = hostPlatform();
    const other = await image('other-arch', '2024-01-01T00:00:00Z', 'other');
    const mine = await image(host.architecture, '2024-02-02T00:00:00Z', 'mine');
    const index = await put(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: INDEX,
          manifests: [
            { ...other.descriptor, platform: { os: 'linux', architecture: 'other-arch' } },
            { ...mine.descriptor, platform: { os: host.os, architecture: host.architecture, ...(host.variant ? { variant: host.variant } : {}) } },
          ],
        }),
      ),
    );
    await store.putImage('docker.io/library/multi:1', { mediaType: INDEX, ...index });
    const [multi] = await listLocalImages(store);
    expect(multi).toMatchObject({ id: index.digest, config: { architecture: host.architecture } });
    expect(multi!.layerDigests.sort()).toEqual([other.layer.digest, mine.layer.digest].sort());
    expect(multi!.size).toBe(index.size + [other, mine].reduce((n, i) => n + i.manifest.size + i.config.size + i.layer.size, 0));
  });

  it('still lists an entry whose blobs are missing, by its descriptor, with the problem', async () => {
    const missing = { mediaType: MANIFEST, digest: sha256(Buffer.from('gone')), size: 4 };
    await store.putImage('docker.io/library/broken:1', missing);
    const [broken] = await listLocalImages(store);
    expect(broken).toMatchObject({ id: missing.digest, size: 4, config: undefined, problem: expect.stringContaining('is not in the store') });
  });
});

describe('resolveLocalImage', () => {
  it('finds by familiar or full name, by digest reference, by ID prefix; docker\'s errors otherwise', async () => {
    const a = await image('amd64', '2024-01-01T00:00:00Z', 'a');
    const b = await image('amd64', '2024-01-01T00:00:00Z', 'b');
    await store.putImage('docker.io/library/xa:1', { ...a.descriptor, annotations: { [RESOLVED_DIGEST_ANNOTATION]: a.manifest.digest } });
    await store.putImage('docker.io/library/yb:latest', b.descriptor);
    expect((await resolveLocalImage(store, 'xa:1')).name).toBe('docker.io/library/xa:1');
    expect((await resolveLocalImage(store, 'yb')).name).toBe('docker.io/library/yb:latest');
    expect((await resolveLocalImage(store, `xa@${a.manifest.digest}`)).name).toBe('docker.io/library/xa:1');
    expect((await resolveLocalImage(store, a.config.digest.slice(7, 15))).name).toBe('docker.io/library/xa:1');
    await expect(resolveLocalImage(store, 'nope')).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND', message: 'No such image: nope:latest' });
    // Among 17 images two IDs share their first hex digit: that prefix is ambiguous.
    const seen = new Map<string, string>([[a.config.digest[7]!, 'a'], [b.config.digest[7]!, 'b']]);
    let prefix = a.config.digest[7] === b.config.digest[7] ? a.config.digest[7]! : undefined;
    for (let i = 0; !prefix; i++) {
      const extra = await image('amd64', '2024-01-01T00:00:00Z', `extra-${i}`);
      await store.putImage(`docker.io/library/extra:${i}`, extra.descriptor);
      const c = extra.config.digest[7]!;
      if (seen.has(c)) prefix = c;
      seen.set(c, `extra-${i}`);
    }
    await expect(resolveLocalImage(store, prefix)).rejects.toMatchObject({ code: 'REGCTL_USAGE', message: `multiple IDs found with provided prefix: ${prefix}` });
  });
});

describe('summarizeImages', () => {
  it('groups names by image ID, newest first, and filters references one by one', async () => {
    const old = await image('amd64', '2023-01-01T00:00:00Z', 'old');
    const recent = await image('amd64', '2024-01-01T00:00:00Z', 'new');
    await store.putImage('docker.io/library/old:1', { ...old.descriptor, annotations: { [RESOLVED_DIGEST_ANNOTATION]: old.manifest.digest } });
    await store.putImage('docker.io/library/recent:1', recent.descriptor);
    await store.putImage('example.com/team/old:2', old.descriptor);
    const all = summarizeImages(await listLocalImages(store));
    expect(all.map((s) => s.repoTags)).toEqual([['recent:1'], ['old:1', 'example.com/team/old:2']]);
    expect(all[1]).toMatchObject({ id: old.config.digest, repoDigests: [`old@${old.manifest.digest}`], created: '2023-01-01T00:00:00Z' });
    const filtered = summarizeImages(await listLocalImages(store), referenceMatcher('old:1'));
    expect(filtered.map((s) => [s.repoTags, s.repoDigests])).toEqual([[['old:1'], []]]);
  });
});
