// The referrers of an OCI layout (store/layout/referrers.ts): manifests index.json reaches whose
// subject names a digest, whether kept as oras keeps them (unnamed entries), inside an index
// (regclient's sha256-<hex> tag-schema index, an index of referrers), and not confused by a
// missing blob, a non-JSON blob or a bad subject; findLayoutEntry then ignores referrer entries.
import { afterEach, describe, expect, it } from 'vitest';
import { findLayoutEntry, layoutSource } from '../../../../src/store/layout/image-source.js';
import { LayoutStore } from '../../../../src/store/layout/layout-store.js';
import { readLayoutReferrers } from '../../../../src/store/layout/referrers.js';
import { OCI_INDEX, OCI_MANIFEST, makeTempDir, removeTempDirs, sha256 } from './support.js';

afterEach(removeTempDirs);

const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 };

async function put(store: LayoutStore, body: unknown): Promise<{ mediaType: string; digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(body));
  await store.writeBlobBytes(sha256(bytes), bytes);
  const mediaType = (body as { mediaType: string }).mediaType;
  return { mediaType, digest: sha256(bytes), size: bytes.length };
}

const manifest = (extra: Record<string, unknown> = {}) => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY, layers: [], ...extra });

async function layout(): Promise<LayoutStore> {
  const store = await LayoutStore.open(await makeTempDir(), { create: true, userDirectory: true });
  await store.writeBlobBytes(EMPTY.digest, Buffer.from('{}'));
  return store;
}

describe('readLayoutReferrers', () => {
  it('finds unnamed entries, referrers inside indexes (a tag-schema index too), and referrers of referrers', async () => {
    const store = await layout();
    const image = await put(store, manifest({ annotations: { n: 'image' } }));
    const sbom = await put(store, manifest({ artifactType: 'application/spdx+json', subject: image, annotations: { a: 'b' } }));
    const sig = await put(store, manifest({ artifactType: 'application/vnd.sig', subject: sbom }));
    // regclient's ocidir: an index under ref.name sha256-<hex> listing the referrer.
    const att = await put(store, manifest({ config: { ...EMPTY, mediaType: 'application/vnd.att.config' }, subject: image }));
    const tagIndex = await put(store, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [att] });
    const missing = { mediaType: OCI_MANIFEST, digest: sha256('not here'), size: 8 };
    await store.putRefName('app', image);
    await store.putRefName(undefined, sbom);
    await store.putRefName(undefined, sig);
    await store.putRefName(`sha256-${image.digest.slice(7)}`, tagIndex);
    await store.putRefName('gone', missing);

    const found = await readLayoutReferrers(store);
    expect(found.get(image.digest)).toEqual([
      { ...sbom, artifactType: 'application/spdx+json', annotations: { a: 'b' } },
      // No artifactType: the config's media type, as the referrers API lists it.
      { ...att, artifactType: 'application/vnd.att.config' },
    ]);
    expect(found.get(sbom.digest)).toEqual([{ ...sig, artifactType: 'application/vnd.sig' }]);
    expect(found.size).toBe(2);

    const source = layoutSource(store, image, 'oci:x:app', { referrers: true });
    expect((await source.referrers!(sig.digest))).toEqual([]);
    expect((await source.sourceOf!(sbom).manifest()).digest).toBe(sbom.digest);
    await store.close();
  });

  it('passes over a blob that is no JSON and a subject without a valid digest', async () => {
    const store = await layout();
    const junk = Buffer.from('not json');
    await store.writeBlobBytes(sha256(junk), junk);
    const bad = await put(store, manifest({ subject: { digest: 'nope' } }));
    await store.putRefName(undefined, { mediaType: OCI_MANIFEST, digest: sha256(junk), size: junk.length });
    await store.putRefName(undefined, bad);
    expect((await readLayoutReferrers(store)).size).toBe(0);
    await store.close();
  });

  it('findLayoutEntry without a name: the one image, its referrer entries not counted', async () => {
    const store = await layout();
    const image = await put(store, manifest({ annotations: { n: 'image' } }));
    const sbom = await put(store, manifest({ artifactType: 'x/y', subject: image }));
    await store.putRefName(undefined, image);
    await store.putRefName(undefined, sbom);
    expect((await findLayoutEntry(store, undefined, 'oci:x')).digest).toBe(image.digest);
    const other = await put(store, manifest({ annotations: { n: 'other' } }));
    await store.putRefName(undefined, other);
    await expect(findLayoutEntry(store, undefined, 'oci:x')).rejects.toThrow('oci:x holds 3 images');
    await store.close();
  });
});
