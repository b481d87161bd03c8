// transferIntoArchive: the engine with docker save's blob order (configs, then layers base first,
// then manifests children first), one blob at a time, every platform of an index, and no config
// read for diff IDs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { transferIntoArchive } from '../../../src/ops/archive-transfer.js';
import type { ImageDestination, ManifestResult } from '../../../src/store/backend.js';
import { layoutSource } from '../../../src/store/layout/image-source.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { putGeneratedImage } from '../../helpers/store-image.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-archive-transfer-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('puts configs, then layers base first, one at a time, then every manifest children first', async () => {
  const store = await LayoutStore.open(path.join(tmp, 'store'));
  const image = await putGeneratedImage(store, 'docker.io/library/x:1', { layerSizes: [100, 200, 300], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
  const src = layoutSource(store, { mediaType: image.mediaType, digest: image.digest, size: image.size }, 'x:1');
  let configReads = 0;
  const counted = { ...src, blobBytes: (d: string, limit: number) => (configReads++, src.blobBytes(d, limit)) };
  const order: string[] = [];
  let inFlight = 0;
  let most = 0;
  let manifests: readonly ManifestResult[] = [];
  const dst: ImageDestination = {
    name: 'recording',
    async putBlob(d) {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      order.push(d.digest);
      inFlight--;
      return { kind: 'written', bytes: d.size };
    },
    async putManifests(list) {
      manifests = list;
      return list.at(-1)!;
    },
    commit: async () => undefined,
    close: async () => undefined,
  };
  const result = await transferIntoArchive(counted, dst);
  expect(result.digest).toBe(image.digest);
  expect(most).toBe(1);
  expect(configReads).toBe(0);
  const [amd, arm] = image.manifests;
  expect(order).toEqual([amd!.configDigest, arm!.configDigest, ...amd!.layers.map((l) => l.digest), ...arm!.layers.map((l) => l.digest)]);
  expect(manifests.map((m) => m.digest)).toEqual([amd!.digest, arm!.digest, image.digest]);
});
