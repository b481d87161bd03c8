// Unnamed index.json entries (untagged images): recorded once per digest without name
// annotations, dropped when that digest gets a name, removable by digest, and GC roots.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LayoutStore, REF_NAME_ANNOTATION } from '../../../../src/store/layout/layout-store.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-unnamed-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function blob(store: LayoutStore, text: string) {
  const bytes = Buffer.from(text);
  await store.writeBlobBytes(sha256(bytes), bytes);
  return { mediaType: 'application/octet-stream', digest: sha256(bytes), size: bytes.length };
}

describe('IndexEditor: unnamed entries', () => {
  it('putUnnamed strips names and adds a digest once; put of a name for that digest drops it, other unnamed entries stay', async () => {
    const store = await LayoutStore.open(dir);
    const a = await blob(store, 'a');
    const b = await blob(store, 'b');
    const added = await store.updateIndex((index) => [index.putUnnamed({ ...a, annotations: { [REF_NAME_ANNOTATION]: 'v1', 'x.other': 'kept' } }), index.putUnnamed(a), index.putUnnamed(b)]);
    expect(added).toEqual([true, false, true]);
    expect(await store.listImages()).toEqual([]);
    expect(await store.listUnnamedImages()).toEqual([{ ...a, annotations: { 'x.other': 'kept' } }, b]);

    await store.putImage('docker.io/library/a:1', a);
    expect((await store.listUnnamedImages()).map((d) => d.digest)).toEqual([b.digest]);
    // A named digest is not recorded again as unnamed.
    expect(await store.updateIndex((index) => index.putUnnamed(a))).toBe(false);

    expect(await store.updateIndex((index) => index.removeUnnamed(b.digest))).toBe(true);
    expect(await store.updateIndex((index) => index.removeUnnamed(a.digest))).toBe(false); // named, not unnamed
    expect((await store.listImages()).map((i) => i.name)).toEqual(['docker.io/library/a:1']);
  });

  it('gc keeps the blobs of unnamed entries and deletes them once the entry is removed', async () => {
    const store = await LayoutStore.open(dir);
    const a = await blob(store, 'kept');
    await store.updateIndex((index) => index.putUnnamed(a));
    await store.releasePins();
    expect((await store.gc()).removed).toEqual([]);
    await store.updateIndex((index) => index.removeUnnamed(a.digest));
    expect((await store.gc()).removed).toEqual([a.digest]);
  });
});
