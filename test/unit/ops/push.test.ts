// push() from a real LayoutStore to the in-memory registry: the engine's neutral event sequence
// and docker's layer IDs (the CLI's wording of them: test/unit/cli/progress/push-words.test.ts),
// only what is missing is sent, mounts from recorded sources, multi-platform order (children
// before the index), --platform, -a's tag listing, and the local-image errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlatform } from '../../../src/oci/platform.js';
import { push } from '../../../src/ops/push.js';
import { localTags } from '../../../src/ops/push-plan.js';
import type { TransferEvent } from '../../../src/ops/transfer.js';
import { parseReference } from '../../../src/reference/parse.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { RemoteRegistry } from '../../../src/store/remote/remote-registry.js';
import { pushId, putGeneratedImage } from '../../helpers/store-image.js';
import { startUploadRegistry, type UploadRegistry, type UploadRegistryOptions } from '../../helpers/upload-registry.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function setup(opts: UploadRegistryOptions = {}): Promise<{ reg: UploadRegistry; remote: RemoteRegistry; store: LayoutStore }> {
  const reg = await startUploadRegistry(opts);
  const remote = new RemoteRegistry();
  const dir = await mkdtemp(path.join(tmpdir(), 'regctl-push-'));
  cleanup.push(() => remote.close(), () => reg.close(), () => rm(dir, { recursive: true, force: true }));
  return { reg, remote, store: await LayoutStore.open(dir) };
}

/** The events, and one `ID: state [from]` line per layer event without byte counts (configs have no ID). */
function collect(): { events: TransferEvent[]; lines: () => string[]; onProgress: (e: TransferEvent) => void } {
  const events: TransferEvent[] = [];
  return {
    events,
    onProgress: (e) => events.push(e),
    lines: () =>
      events.flatMap((e) => (e.type === 'blob' && e.layerId !== undefined && e.state !== 'transferring' ? [`${e.layerId}: ${e.state}${e.from ? ` ${e.from}` : ''}`] : [])),
  };
}

describe('push', () => {
  it('sends config, layers and manifest with layer events (top layer first, named by diff ID as docker does)', async () => {
    const { reg, remote, store } = await setup();
    const ref = parseReference(`${reg.host}/demo/app:v1`);
    const image = await putGeneratedImage(store, ref.toString(), { layerSizes: [3000, 5000] });
    const [bottom, top] = image.manifests[0]!.layers;
    const c = collect();
    const result = await push(remote, store, ref, { onProgress: c.onProgress, concurrency: 1 });

    expect(result).toMatchObject({ digest: image.digest, size: image.size, tag: 'v1', pushed: 3, existed: 0, mounted: 0, bytesUploaded: bottom!.size + top!.size + image.manifests[0]!.configSize });
    expect(c.events[0]).toEqual({ type: 'start', source: ref.familiar(), destination: ref.toString() });
    expect(c.lines()).toEqual([
      `${pushId(top!)}: queued`,
      `${pushId(bottom!)}: queued`,
      `${pushId(top!)}: waiting`,
      `${pushId(bottom!)}: waiting`,
      `${pushId(top!)}: done`,
      `${pushId(bottom!)}: done`,
    ]);
    expect(c.events.some((e) => e.type === 'blob' && e.state === 'transferring' && e.layerId === pushId(top!) && e.current === top!.size && e.size === top!.size)).toBe(true);
    expect(c.events.at(-1)).toEqual({ type: 'done', digest: image.digest, size: image.size, mediaType: image.mediaType });
    expect(reg.manifests.get('demo/app:v1')!.bytes.equals(image.manifests[0]!.bytes)).toBe(true);
    // The manifest goes last: a registry may refuse one whose blobs it lacks.
    expect(reg.requests.at(-1)).toMatchObject({ method: 'PUT', url: '/v2/demo/app/manifests/v1' });
    expect(await store.sourcesOf(top!.digest)).toEqual([ref.name()]);
  });

  it('sends no blob the second time (exists: docker\'s "Layer already exists"), and mounts into another repository', async () => {
    const { reg, remote, store } = await setup();
    const ref = parseReference(`${reg.host}/demo/app:v1`);
    const image = await putGeneratedImage(store, ref.toString());
    await push(remote, store, ref);
    const again = collect();
    const second = await push(remote, store, ref, { onProgress: again.onProgress });
    expect(second).toMatchObject({ existed: 3, pushed: 0, bytesUploaded: 0 });
    // The HEADs run concurrently and answer in any order (so do docker's): every layer once, no other line.
    const existing = again.lines().filter((l) => !l.endsWith('queued'));
    expect(existing).toHaveLength(image.manifests[0]!.layers.length);
    expect([...existing].sort()).toEqual(image.manifests[0]!.layers.map((l) => `${pushId(l)}: exists`).sort());

    const other = parseReference(`${reg.host}/other/app:v1`);
    await store.putImage(other.toString(), { mediaType: image.mediaType, digest: image.digest, size: image.size });
    const mounted = collect();
    const third = await push(remote, store, other, { onProgress: mounted.onProgress });
    expect(third).toMatchObject({ mounted: 3, pushed: 0, bytesUploaded: 0 });
    expect(mounted.lines().filter((l) => l.includes('mounted'))).toHaveLength(2);
    expect(mounted.lines()).toContain(`${pushId(image.manifests[0]!.layers[0]!)}: mounted demo/app`);
  });

  it('asks to mount from a source the registry refused only once per push, then uploads', async () => {
    const { reg, remote, store } = await setup({ refuseMountFrom: ['secret/base'] });
    const ref = parseReference(`${reg.host}/demo/app:v1`);
    const image = await putGeneratedImage(store, ref.toString(), { layerSizes: [100, 200, 300, 400] });
    const m = image.manifests[0]!;
    for (const d of [m.configDigest, ...m.layers.map((l) => l.digest)]) reg.addBlob('secret/base', (await store.readBlobBytes(d)));
    await store.recordSources([m.configDigest, ...m.layers.map((l) => l.digest)], `${reg.host}/secret/base`);
    const result = await push(remote, store, ref, { concurrency: 1 });
    expect(result).toMatchObject({ pushed: 5, mounted: 0 });
    expect(reg.requests.filter((r) => r.url.includes('mount='))).toHaveLength(1);
  });

  it('pushes a multi-platform index whole, children by digest before the index by tag', async () => {
    const { reg, remote, store } = await setup();
    const ref = parseReference(`${reg.host}/demo/multi:v1`);
    const image = await putGeneratedImage(store, ref.toString(), { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }] });
    const result = await push(remote, store, ref);
    expect(result).toMatchObject({ digest: image.digest, mediaType: image.mediaType, pushed: 6 });
    const manifestPuts = reg.requests.filter((r) => r.method === 'PUT' && r.url.includes('/manifests/')).map((r) => r.url.split('/manifests/')[1]);
    expect(manifestPuts).toEqual([...image.manifests.map((m) => m.digest), 'v1']);
  });

  it('--platform pushes one child of a stored index under the tag; a single image must match it', async () => {
    const { reg, remote, store } = await setup();
    const ref = parseReference(`${reg.host}/demo/multi:v1`);
    const image = await putGeneratedImage(store, ref.toString(), { platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }] });
    const arm = image.manifests[1]!;
    const result = await push(remote, store, ref, { platform: parsePlatform('linux/arm64') });
    expect(result).toMatchObject({ digest: arm.digest, pushed: 3 });
    expect(reg.manifests.get('demo/multi:v1')!.bytes.equals(arm.bytes)).toBe(true);
    await expect(push(remote, store, ref, { platform: parsePlatform('linux/s390x') })).rejects.toThrow('no matching manifest for linux/s390x');

    const single = parseReference(`${reg.host}/demo/single:v1`);
    await putGeneratedImage(store, single.toString());
    await expect(push(remote, store, single, { platform: parsePlatform('linux/arm64') })).rejects.toThrow(
      `image with reference ${single.familiar()} was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64`,
    );
  });

  it('says which local image is missing, in docker\'s words, before contacting the registry', async () => {
    const { reg, remote, store } = await setup();
    await expect(push(remote, store, parseReference(`${reg.host}/demo/none:v1`))).rejects.toMatchObject({
      code: 'REGCTL_NOT_FOUND',
      message: `An image does not exist locally with the tag: ${reg.host}/demo/none`,
    });
    await putGeneratedImage(store, `${reg.host}/demo/app:v1`);
    await expect(push(remote, store, parseReference(`${reg.host}/demo/app:v2`))).rejects.toMatchObject({ message: `tag does not exist: ${reg.host}/demo/app:v2` });
    expect(reg.requests).toEqual([]);
  });

  it('lists the local tags of a repository for -a', async () => {
    const { reg, store } = await setup();
    const image = await putGeneratedImage(store, `${reg.host}/demo/app:v2`);
    const desc = { mediaType: image.mediaType, digest: image.digest, size: image.size };
    await store.putImage(`${reg.host}/demo/app:v1`, desc);
    await store.putImage(`${reg.host}/demo/app@${image.digest}`, desc);
    await store.putImage(`${reg.host}/demo/other:v3`, desc);
    expect(await localTags(store, parseReference(`${reg.host}/demo/app`))).toEqual(['v1', 'v2']);
  });
});
