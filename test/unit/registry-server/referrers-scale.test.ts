// Referrers in bulk at the wire: concurrent attaches to one subject lose no entry (one link file
// per referrer), a subject with 10,000 referrers is listed whole, and past the page size the
// list goes on behind a Link header whose pages add up to the whole list, filter kept.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referrersPage } from '../../../src/registry-server/referrers-route.js';
import { rawRequest } from '../../helpers/raw-http.js';
import {
  EMPTY_JSON, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, doc, getReferrers, putManifest, pushBlob, serve, sha256, useRegistries,
  type ReferrersIndex, type WireDescriptor,
} from '../../helpers/registry-wire.js';

useRegistries();

const config = { mediaType: OCI_EMPTY, size: 2, digest: sha256(EMPTY_JSON) };
const subject = { mediaType: OCI_MANIFEST, size: 100, digest: sha256('the subject') };

function referrer(i: number, artifactType = i % 2 ? 'application/vnd.example.sig' : 'application/vnd.example.sbom') {
  return doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType, config, layers: [], subject, annotations: { 'org.example.n': String(i) } });
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/** Follows Link from the first page; returns every page's descriptors. */
async function allPages(url: string, first: string): Promise<WireDescriptor[][]> {
  const pages: WireDescriptor[][] = [];
  let next: string | undefined = first;
  while (next) {
    const r = await rawRequest(new URL(next, url).toString());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(OCI_INDEX);
    pages.push(r.json<ReferrersIndex>().manifests);
    const link = r.headers.link;
    next = link ? /^<([^>]+)>; rel="next"$/.exec(String(link))?.[1] : undefined;
    if (pages.length > 1000) throw new Error('no end to the pages');
  }
  return pages;
}

describe('referrers in bulk', () => {
  it('64 concurrent pushes of referrers of one subject: all 64 listed', async () => {
    const reg = await serve();
    await pushBlob(reg.url, 'busy/app', EMPTY_JSON);
    const docs = Array.from({ length: 64 }, (_, i) => referrer(i));
    const results = await Promise.all(docs.map((m) => putManifest(reg.url, 'busy/app', m.digest, m.bytes)));
    expect(results.map((r) => r.status)).toEqual(docs.map(() => 201));
    const listed = (await getReferrers(reg.url, 'busy/app', subject.digest)).json<ReferrersIndex>().manifests;
    expect(listed.map((d) => d.digest).sort()).toEqual(docs.map((m) => m.digest).sort());
  });

  it('a subject with 10,000 referrers: one response lists all of them, and the filter halves it', async () => {
    const reg = await serve();
    await pushBlob(reg.url, 'many/app', EMPTY_JSON);
    const docs = Array.from({ length: 10_000 }, (_, i) => referrer(i));
    // 200 over the wire; the rest written as a push writes them (manifest blob, links), which is
    // the same directory format without 9,800 HTTP round trips and fsyncs.
    await inBatches(docs.slice(0, 200), 32, async (m) => void expect((await putManifest(reg.url, 'many/app', m.digest, m.bytes)).status).toBe(201));
    const repoDir = path.join(reg.dir, 'registry', 'repositories', 'many', 'app');
    const pushed = JSON.parse(await fs.readFile(path.join(repoDir, '_referrers', 'sha256', subject.digest.slice(7), 'sha256', docs[0]!.digest.slice(7)), 'utf8')) as WireDescriptor;
    expect(pushed).toEqual({ mediaType: OCI_MANIFEST, digest: docs[0]!.digest, size: docs[0]!.bytes.length, artifactType: 'application/vnd.example.sbom', annotations: { 'org.example.n': '0' } });
    await inBatches(docs.slice(200), 256, async (m) => {
      const hex = m.digest.slice(7);
      const link = { digest: m.digest, mediaType: OCI_MANIFEST, size: m.bytes.length, subject: subject.digest };
      await fs.mkdir(path.join(reg.dir, 'blobs', 'sha256'), { recursive: true });
      await fs.writeFile(path.join(reg.dir, 'blobs', 'sha256', hex), m.bytes);
      await fs.writeFile(path.join(repoDir, '_manifests', 'sha256', hex), JSON.stringify(link));
      const n = (JSON.parse(m.bytes.toString()) as { annotations: Record<string, string> }).annotations['org.example.n']!;
      const descriptor = { mediaType: OCI_MANIFEST, digest: m.digest, size: m.bytes.length, artifactType: Number(n) % 2 ? 'application/vnd.example.sig' : 'application/vnd.example.sbom', annotations: { 'org.example.n': n } };
      await fs.writeFile(path.join(repoDir, '_referrers', 'sha256', subject.digest.slice(7), 'sha256', hex), JSON.stringify(descriptor));
    });
    const r = await getReferrers(reg.url, 'many/app', subject.digest);
    expect(r.status).toBe(200);
    expect(r.headers.link).toBeUndefined();
    const listed = r.json<ReferrersIndex>().manifests;
    expect(listed).toHaveLength(10_000);
    expect(new Set(listed.map((d) => d.digest)).size).toBe(10_000);
    expect(r.body.length).toBeLessThan(4 * 1024 * 1024);
    const sigs = (await getReferrers(reg.url, 'many/app', subject.digest, 'application/vnd.example.sig')).json<ReferrersIndex>().manifests;
    expect(sigs).toHaveLength(5_000);
    expect(sigs.every((d) => d.artifactType === 'application/vnd.example.sig')).toBe(true);
    // A deleted referrer leaves the listing.
    expect((await rawRequest(`${reg.url}/v2/many/app/manifests/${docs[5_000]!.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await getReferrers(reg.url, 'many/app', subject.digest)).json<ReferrersIndex>().manifests).toHaveLength(9_999);
  }, 120_000);

  it('past the page size: Link pages, each within the size, adding up to the whole list once, the filter kept', async () => {
    const pageBytes = 2_000;
    const reg = await serve({ referrersPageBytes: pageBytes });
    await pushBlob(reg.url, 'paged/app', EMPTY_JSON);
    const docs = Array.from({ length: 60 }, (_, i) => referrer(i));
    await inBatches(docs, 16, async (m) => void expect((await putManifest(reg.url, 'paged/app', m.digest, m.bytes)).status).toBe(201));
    const pages = await allPages(reg.url, `/v2/paged/app/referrers/${subject.digest}`);
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages) expect(Buffer.byteLength(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: p }))).toBeLessThanOrEqual(pageBytes);
    const digests = pages.flat().map((d) => d.digest);
    expect(digests).toHaveLength(60);
    expect([...digests].sort()).toEqual(docs.map((m) => m.digest).sort());
    const sigPages = await allPages(reg.url, `/v2/paged/app/referrers/${subject.digest}?artifactType=application%2Fvnd.example.sig`);
    expect(sigPages.flat()).toHaveLength(30);
    expect(sigPages.flat().every((d) => d.artifactType === 'application/vnd.example.sig')).toBe(true);
  });

  it('referrersPage: always advances by at least one entry, even one larger than the page', () => {
    const big = { mediaType: OCI_MANIFEST, digest: sha256('b'), size: 1, annotations: { k: 'x'.repeat(500) } };
    const small = { mediaType: OCI_MANIFEST, digest: sha256('a'), size: 1 };
    const sorted = [small, big].sort((x, y) => (x.digest < y.digest ? -1 : 1));
    const first = referrersPage(sorted, undefined, 100);
    expect(first.page).toHaveLength(1);
    expect(first.more).toBe(true);
    const second = referrersPage(sorted, first.page[0]!.digest, 100);
    expect(second.page).toHaveLength(1);
    expect(second.more).toBe(false);
    expect(referrersPage(sorted, second.page[0]!.digest, 100)).toEqual({ page: [], more: false });
  });
});
