// docker's local manifest list store: file names, file bytes, entry order, removal. The golden
// file is what docker 28 wrote for `docker manifest create` + `annotate --os-features 'x<y&z'`.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeStoredManifest, encodeStoredManifest } from '../../../src/config/manifest-list-entry.js';
import { ManifestListStore, filesafeName } from '../../../src/config/manifest-list-store.js';
import { annotateManifestList } from '../../../src/ops/manifest-list/annotate.js';
import { parseReference } from '../../../src/reference/parse.js';

const DOCKER_FILE = "{\"Ref\":\"127.0.0.1:5055/demo/img:arm64\",\"Descriptor\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:ae88913980817d9056179afb0cbbd515ccb9098842deb3db0839d01f7d47679f\",\"size\":401,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.features\":[\"x\\u003cy\\u0026z\"],\"variant\":\"v8\"}},\"Raw\":\"eyJzY2hlbWFWZXJzaW9uIjoyLCJtZWRpYVR5cGUiOiJhcHBsaWNhdGlvbi92bmQub2NpLmltYWdlLm1hbmlmZXN0LnYxK2pzb24iLCJjb25maWciOnsibWVkaWFUeXBlIjoiYXBwbGljYXRpb24vdm5kLm9jaS5pbWFnZS5jb25maWcudjEranNvbiIsImRpZ2VzdCI6InNoYTI1NjoyMjE3OGNiNzY2Y2I1NjcxYmVmMmNjYjRjOTk0Yjk0YjFiY2Y2YzNiY2M4MTgyMGMyMGNiODQzNTBlZDAyMjRjIiwic2l6ZSI6NDA5fSwibGF5ZXJzIjpbeyJtZWRpYVR5cGUiOiJhcHBsaWNhdGlvbi92bmQub2NpLmltYWdlLmxheWVyLnYxLnRhcitnemlwIiwiZGlnZXN0Ijoic2hhMjU2OjBkODAzMWNiN2NhNWRlZDgxOGI1MDBlMDczMjYxNjhjMzQzMjE5ZDgwZGE5MTM3NDRkNTQzN2JlZmY0M2ZmNDIiLCJzaXplIjoyMDh9XX0=\",\"OCIManifest\":{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:22178cb766cb5671bef2ccb4c994b94b1bcf6c3bcc81820c20cb84350ed0224c\",\"size\":409},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:0d8031cb7ca5ded818b500e07326168c343219d80da913744d5437beff43ff42\",\"size\":208}]}}";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});
async function tempStore(): Promise<ManifestListStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-mls-'));
  dirs.push(dir);
  return ManifestListStore.forConfigDir(dir);
}

describe('filesafeName (docker 28 makeFilesafeName)', () => {
  it.each([
    ['127.0.0.1:5055/demo/list:v1', '127.0.0.1-5055_demo_list-v1'],
    ['docker.io/library/busybox:latest', 'docker.io_library_busybox-latest'],
    ['127.0.0.1:5055/demo/img@sha256:8c7a', '127.0.0.1-5055_demo_img@sha256-8c7a'],
  ])('%s -> %s', (ref, name) => expect(filesafeName(ref)).toBe(name));

  it('names lists and entries by their full references', async () => {
    const store = await tempStore();
    expect(store.entryFile(parseReference('busybox'), parseReference('user/app:1'))).toBe(
      path.join(store.root, 'docker.io_library_busybox-latest', 'docker.io_user_app-1'),
    );
  });
});

describe('stored entries (docker types.ImageManifest JSON)', () => {
  it('a file docker wrote decodes and encodes back to the same bytes', () => {
    const entry = decodeStoredManifest(DOCKER_FILE, 'f');
    expect(entry.ref).toBe('127.0.0.1:5055/demo/img:arm64');
    expect(entry.kind).toBe('OCIManifest');
    expect(entry.descriptor.platform).toEqual({ architecture: 'arm64', os: 'linux', 'os.features': ['x<y&z'], variant: 'v8' });
    expect(entry.raw!.toString()).toMatch(/^\{"schemaVersion":2,/);
    expect(encodeStoredManifest(entry)).toBe(DOCKER_FILE);
  });

  it('the manifest member keeps the registry text, compacted', () => {
    const raw = Buffer.from('{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",\n  "config": {"size": 1.0}\n}\n');
    const text = encodeStoredManifest({
      ref: 'docker.io/library/x:latest',
      descriptor: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:00', size: raw.length },
      raw,
      kind: 'SchemaV2Manifest',
      manifestText: raw.toString(),
    });
    expect(text).toContain('"SchemaV2Manifest":{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"size":1.0}}}');
    expect(text).toContain(`"Raw":"${raw.toString('base64')}"`);
  });
});

describe('ManifestListStore', () => {
  const list = parseReference('127.0.0.1:5055/demo/list:v1');
  const entry = decodeStoredManifest(DOCKER_FILE, 'f');

  it('reads a list in file name order, skipping dot files; missing lists and entries are docker errors', async () => {
    const store = await tempStore();
    await expect(store.getList(list)).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND', message: 'No such manifest: 127.0.0.1:5055/demo/list:v1' });
    await store.save(list, parseReference('127.0.0.1:5055/demo/zz:1'), { ...entry, ref: '127.0.0.1:5055/demo/zz:1' });
    await store.save(list, parseReference('127.0.0.1:5055/demo/aa:1'), { ...entry, ref: '127.0.0.1:5055/demo/aa:1' });
    await fs.writeFile(path.join(store.listDir(list), '.tmp'), 'torn');
    expect((await store.getList(list)).map((e) => e.ref)).toEqual(['127.0.0.1:5055/demo/aa:1', '127.0.0.1:5055/demo/zz:1']);
    expect((await fs.stat(store.entryFile(list, parseReference('127.0.0.1:5055/demo/aa:1')))).mode & 0o777).toBe(0o644);
    await expect(store.get(list, parseReference('127.0.0.1:5055/demo/nope:1'))).rejects.toMatchObject({ message: 'No such manifest: 127.0.0.1:5055/demo/nope:1' });
    await store.remove(list);
    await expect(store.getList(list)).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND' });
    expect(await fs.readdir(store.root)).toEqual([]);
    await store.remove(list); // absent: nothing to do, as docker's RemoveAll
  });
});

describe('annotateManifestList', () => {
  const L = '127.0.0.1:5055/demo/list:v1';
  const E = '127.0.0.1:5055/demo/img:arm64';

  async function storeWithEntry() {
    const store = await tempStore();
    await store.save(parseReference(L), parseReference(E), decodeStoredManifest(DOCKER_FILE, 'f'));
    return store;
  }

  it('sets fields, adds os features once each, keeps what is not given', async () => {
    const store = await storeWithEntry();
    const updated = await annotateManifestList(store, L, E, { arch: 'arm', variant: 'v7', osVersion: '1', osFeatures: ['x<y&z', 'b'] });
    expect(updated.descriptor.platform).toEqual({ architecture: 'arm', os: 'linux', 'os.version': '1', 'os.features': ['x<y&z', 'b'], variant: 'v7' });
    expect((await store.get(parseReference(L), parseReference(E))).descriptor.platform).toEqual(updated.descriptor.platform);
  });

  it("docker's errors: an entry not in the list, an os/arch pair docker does not know", async () => {
    const store = await storeWithEntry();
    await expect(annotateManifestList(store, L, 'demo/other', { arch: 'arm' })).rejects.toMatchObject({
      code: 'REGCTL_NOT_FOUND',
      reason: 'not-in-list',
      message: `manifest for image demo/other does not exist in ${L}`,
    });
    await expect(annotateManifestList(store, L, E, { arch: 'loong64' })).rejects.toMatchObject({
      code: 'REGCTL_USAGE',
      message: 'manifest entry for image has unsupported os/arch combination: /loong64',
    });
    await expect(annotateManifestList(store, L, E, { os: 'windows' })).rejects.toMatchObject({
      message: 'manifest entry for image has unsupported os/arch combination: windows/',
    });
    await expect(annotateManifestList(store, 'Bad', E, {})).rejects.toMatchObject({
      code: 'REGCTL_INVALID_REFERENCE',
      message: 'annotate: error parsing name for manifest list Bad: invalid reference format: repository name (library/Bad) must be lowercase',
    });
  });
});
