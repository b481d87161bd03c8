// Referrers on distribution 2.8, which has no referrers API: what it answers there (a
// text/plain 404 from its router) and to conditional PUTs (ignored), and the referrers tag
// schema's index regctl keeps instead, checked at the wire with plain HTTP: created and grown by
// pushes (library putManifest, and `regctl copy` through the transfer engine), other tools'
// entries and fields kept, listed back, eight concurrent attaches (in one process and in eight)
// losing nothing, entries taken out by `regctl delete`, a tag-schema tag holding an image
// manifest instead of an index, and a 10,000-entry index listed and added to.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { referrersTag } from '../../src/oci/referrers.js';
import { startEmbeddedRegistry } from '../helpers/embedded-registry.js';
import { rawRequest } from '../helpers/raw-http.js';
import { OCI_INDEX, OCI_MANIFEST, descriptorOf, pushSubject, putDoc, referrerDoc, subjectDoc, type Doc } from '../helpers/referrer-fixtures.js';
import { EMPTY_JSON, pushBlob } from '../helpers/registry-wire.js';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process.js';
import { runCli } from '../helpers/run-cli.js';
import { transpilePackage } from '../helpers/transpiled-dist.js';

const available = inject('registriesAvailable');
const SBOM = 'application/vnd.example.sbom.v1';
const SIG = 'application/vnd.example.signature.v1';
const OTHER = 'application/vnd.other-tool.thing';

let tmp: string;
let dist: RunningRegistry | undefined;
let api: RunningRegistry | undefined;
const clients: RegistryClient[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-referrers-28-'));
  if (!available) return;
  // Its own 2.8 (deletes on): these tests rewrite tags the shared one's other users do not expect.
  [dist, api] = await Promise.all([startRegistry({ mode: 'open', parentDir: tmp }), startEmbeddedRegistry(tmp)]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([dist?.stop(), api?.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

function client(): RegistryClient {
  const c = new RegistryClient({ configDir: tmp, storeDir: path.join(tmp, 'store'), credentials: false, env: {} });
  clients.push(c);
  return c;
}

interface WireIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: { mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

/** The tag-schema index as the registry serves it, fetched with plain HTTP; undefined on 404. */
async function wireIndex(url: string, repo: string, subject: string): Promise<WireIndex | undefined> {
  const res = await rawRequest(`${url}/v2/${repo}/manifests/${referrersTag(subject)}`, { headers: { accept: OCI_INDEX } });
  if (res.status === 404) return undefined;
  expect(res.status, res.text()).toBe(200);
  expect(res.headers['content-type']).toBe(OCI_INDEX);
  return res.json<WireIndex>();
}

const wireEntry = (m: Doc, artifactType: string) => ({ ...descriptorOf(m), artifactType, annotations: JSON.parse(m.bytes.toString()).annotations as Record<string, string> });

describe.skipIf(!available)('referrers on distribution 2.8 (the referrers tag schema)', () => {
  it('has no referrers API (a text/plain 404 from its router) and ignores If-Match and If-None-Match on a manifest PUT', async () => {
    const url = dist!.url;
    const subject = await pushSubject(url, 'probe/app');
    const res = await rawRequest(`${url}/v2/probe/app/referrers/${subject.digest}`, { headers: { accept: OCI_INDEX } });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text().trim()).toBe('404 page not found');
    // It sends an ETag on GET...
    const got = await rawRequest(`${url}/v2/probe/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(got.headers.etag).toBe(`"${subject.digest}"`);
    // ...but a PUT naming another one, or asking for no current manifest, still overwrites the tag.
    const other = subjectDoc();
    const stale = await rawRequest(`${url}/v2/probe/app/manifests/v1`, {
      method: 'PUT', body: other.bytes, headers: { 'content-type': OCI_MANIFEST, 'if-match': `"sha256:${'0'.repeat(64)}"` },
    });
    expect(stale.status).toBe(201);
    const third = subjectDoc();
    const exists = await rawRequest(`${url}/v2/probe/app/manifests/v1`, { method: 'PUT', body: third.bytes, headers: { 'content-type': OCI_MANIFEST, 'if-none-match': '*' } });
    expect(exists.status).toBe(201);
    expect((await rawRequest(`${url}/v2/probe/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } })).headers['docker-content-digest']).toBe(third.digest);
  });

  it("pushes with a subject create and grow the index, keeping another tool's entry and the index's fields; it is listed back", async () => {
    const { url, host } = dist!;
    const repo = 'team/app';
    const subject = await pushSubject(url, repo);
    // Another tool was here first: its referrer, and an index of its own with a field of its own.
    const foreign = referrerDoc(subject, { artifactType: OTHER });
    await putDoc(url, repo, foreign);
    const seeded = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [wireEntry(foreign, OTHER)], annotations: { 'org.example.owner': 'other-tool' } };
    await putDoc(url, repo, { bytes: Buffer.from(JSON.stringify(seeded)), digest: '' }, referrersTag(subject.digest), OCI_INDEX);

    // One through the library...
    const sbom = referrerDoc(subject, { artifactType: SBOM, annotations: { 'org.example.format': 'spdx' } });
    await expect(client().putManifest(`${host}/${repo}@${sbom.digest}`, sbom.bytes, OCI_MANIFEST)).resolves.toEqual({ digest: sbom.digest, size: sbom.bytes.length });
    // ...one copied from a registry with the API by `regctl copy` (remoteDestination, the transfer engine).
    const sig = referrerDoc(subject, { configMediaType: SIG });
    await pushBlob(api!.url, repo, EMPTY_JSON);
    await putDoc(api!.url, repo, sig);
    const copied = await runCli(['--config', tmp, 'copy', '-q', `${api!.host}/${repo}@${sig.digest}`, `${host}/${repo}`]);
    expect(copied.code, copied.stderr).toBe(0);

    const index = await wireIndex(url, repo, subject.digest);
    expect(index).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [wireEntry(foreign, OTHER), wireEntry(sbom, SBOM), wireEntry(sig, SIG)],
      annotations: { 'org.example.owner': 'other-tool' },
    });
    for (const m of index!.manifests) expect(Object.keys(m).sort()).toEqual(['annotations', 'artifactType', 'digest', 'mediaType', 'size']);

    const c = client();
    const listed = await c.referrers(`${host}/${repo}@${subject.digest}`);
    expect(listed).toEqual({ descriptors: index!.manifests, via: 'tag-schema', filtered: false });
    expect(await c.referrers(`${host}/${repo}:v1`, { artifactType: SIG })).toEqual({ descriptors: [wireEntry(sig, SIG)], via: 'tag-schema', filtered: true });
    // Pushed again: listed once.
    await c.putManifest(`${host}/${repo}@${sbom.digest}`, sbom.bytes, OCI_MANIFEST);
    expect((await wireIndex(url, repo, subject.digest))!.manifests).toHaveLength(3);
  });

  it('eight clients attaching to one subject at the same time lose no entry', async () => {
    const { url, host } = dist!;
    const repo = 'team/race';
    const subject = await pushSubject(url, repo);
    const referrers = Array.from({ length: 8 }, (_, i) => referrerDoc(subject, { artifactType: `${SBOM}.${i}` }));
    // Separate clients: nothing is shared in this process, each races the others at the registry.
    await Promise.all(referrers.map((m) => client().putManifest(`${host}/${repo}@${m.digest}`, m.bytes, OCI_MANIFEST)));
    const listed = (await wireIndex(url, repo, subject.digest))!.manifests.map((m) => m.digest);
    expect([...listed].sort()).toEqual(referrers.map((m) => m.digest).sort());
  });

  it('eight regctl processes attaching to one subject at the same time lose no entry', async () => {
    const { url, host } = dist!;
    const repo = 'team/race-processes';
    const subject = await pushSubject(url, repo);
    const referrers = Array.from({ length: 8 }, (_, i) => referrerDoc(subject, { artifactType: `${SIG}.${i}` }));
    await pushBlob(api!.url, repo, EMPTY_JSON);
    for (const m of referrers) await putDoc(api!.url, repo, m);
    // Each process runs the current sources (transpiled; node_modules linked).
    const pkg = await transpilePackage();
    const main = pathToFileURL(path.join(pkg.root, 'dist', 'cli', 'main.js')).href;
    const runs = referrers.map((m) => runNode(`const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(${JSON.stringify(['--config', tmp, 'copy', '-q', `${api!.host}/${repo}@${m.digest}`, `${host}/${repo}`])});`));
    try {
      for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
    } finally {
      await pkg.remove();
    }
    const listed = (await wireIndex(url, repo, subject.digest))!.manifests.map((m) => m.digest);
    expect([...listed].sort()).toEqual(referrers.map((m) => m.digest).sort());
  }, 60_000);

  it('regctl delete of a referrer takes its entry out; deleting the last one deletes the index, and its tag', async () => {
    const { url, host } = dist!;
    const repo = 'team/del';
    const subject = await pushSubject(url, repo);
    const [a, b] = [referrerDoc(subject, { artifactType: SBOM }), referrerDoc(subject, { artifactType: SIG })];
    const c = client();
    for (const m of [a!, b!]) await c.putManifest(`${host}/${repo}@${m.digest}`, m.bytes, OCI_MANIFEST);
    expect((await wireIndex(url, repo, subject.digest))!.manifests.map((m) => m.digest)).toEqual([a!.digest, b!.digest]);

    const first = await runCli(['--config', tmp, 'delete', `${host}/${repo}@${a!.digest}`]);
    expect(first, first.stderr).toMatchObject({ code: 0, stdout: `${a!.digest}\n` });
    expect(await wireIndex(url, repo, subject.digest)).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [wireEntry(b!, SIG)] });

    const last = await runCli(['--config', tmp, 'delete', `${host}/${repo}@${b!.digest}`]);
    expect(last.code, last.stderr).toBe(0);
    expect(await wireIndex(url, repo, subject.digest)).toBeUndefined();
    expect(await c.referrers(`${host}/${repo}@${subject.digest}`)).toEqual({ descriptors: [], via: 'tag-schema', filtered: false });
    // The subject and its tag are untouched.
    expect((await rawRequest(`${url}/v2/${repo}/manifests/v1`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } })).headers['docker-content-digest']).toBe(subject.digest);
  });

  it('a tag-schema tag holding an image manifest lists nothing; a push there records nothing and says which tag', async () => {
    const { url, host } = dist!;
    const repo = 'team/hostile';
    const subject = await pushSubject(url, repo);
    const squatter = subjectDoc();
    await putDoc(url, repo, squatter, referrersTag(subject.digest));
    const c = client();
    expect(await c.referrers(`${host}/${repo}@${subject.digest}`)).toEqual({ descriptors: [], via: 'tag-schema', filtered: false });

    const sbom = referrerDoc(subject, { artifactType: SBOM });
    await expect(c.putManifest(`${host}/${repo}@${sbom.digest}`, sbom.bytes, OCI_MANIFEST)).rejects.toMatchObject({
      code: 'REGCTL_REGISTRY',
      message: expect.stringContaining(`${host}/${repo}:${referrersTag(subject.digest)} holds a ${OCI_MANIFEST}, not an image index`),
    });
    // The manifest itself was pushed; the tag still holds what it held.
    expect((await rawRequest(`${url}/v2/${repo}/manifests/${sbom.digest}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } })).status).toBe(200);
    expect((await rawRequest(`${url}/v2/${repo}/manifests/${referrersTag(subject.digest)}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } })).headers['docker-content-digest']).toBe(squatter.digest);
  });

  it('a 10,000-entry index is listed with no request per entry, and one more referrer is added to it', async () => {
    const { url, host, storageDir } = dist!;
    const repo = 'team/many';
    const subject = await pushSubject(url, repo);
    const many = await seedOnDisk(storageDir, repo, Array.from({ length: 10_000 }, (_, i) => referrerDoc(subject, { artifactType: i % 2 ? SIG : SBOM })));
    const entries = many.map((m, i) => wireEntry(m, i % 2 ? SIG : SBOM));
    // distribution checks every entry exists as it takes the index.
    await putDoc(url, repo, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries })), digest: '' }, referrersTag(subject.digest), OCI_INDEX);

    const requests: string[] = [];
    const c = new RegistryClient({ configDir: tmp, credentials: false, env: {}, debug: (line) => void (/^(GET|HEAD|PUT|POST|DELETE) /.test(line) && requests.push(line)) });
    clients.push(c);
    const listed = await c.referrers(`${host}/${repo}@${subject.digest}`, { artifactType: SIG });
    expect(listed.via).toBe('tag-schema');
    expect(listed.descriptors).toHaveLength(5_000);
    expect(listed.descriptors[0]).toEqual(entries[1]);
    expect(requests.filter((r) => !r.startsWith('GET http://' + host + '/v2/ '))).toEqual([
      expect.stringMatching(new RegExp(`^GET http://${host}/v2/${repo}/referrers/${subject.digest}\\?artifactType=\\S+ -> 404`)),
      expect.stringMatching(new RegExp(`^GET http://${host}/v2/${repo}/manifests/${referrersTag(subject.digest)} -> 200`)),
    ]);

    const one = referrerDoc(subject, { artifactType: SBOM });
    await c.putManifest(`${host}/${repo}@${one.digest}`, one.bytes, OCI_MANIFEST);
    const index = (await wireIndex(url, repo, subject.digest))!;
    expect(index.manifests).toHaveLength(10_001);
    expect(index.manifests.slice(0, 3)).toEqual(entries.slice(0, 3));
    expect(index.manifests.at(-1)).toEqual(wireEntry(one, SBOM));
  }, 60_000);

  it('referrers of a subject in a repository that does not exist: none', async () => {
    expect(await client().referrers(`${dist!.host}/no/such@${subjectDoc().digest}`)).toEqual({ descriptors: [], via: 'tag-schema', filtered: false });
  });
});

/**
 * Stores manifests in the registry's filesystem storage, laid out as distribution lays out what
 * it is pushed (blob data, the repository's revision link): ten thousand PUTs through its API
 * would make this the slowest file of the suite. The registry reads them as its own.
 */
async function seedOnDisk(storageDir: string, repo: string, manifests: Doc[]): Promise<Doc[]> {
  const v2 = path.join(storageDir, 'docker', 'registry', 'v2');
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < manifests.length; i = next++) {
      const m = manifests[i]!;
      const hex = createHash('sha256').update(m.bytes).digest('hex');
      const blobDir = path.join(v2, 'blobs', 'sha256', hex.slice(0, 2), hex);
      const linkDir = path.join(v2, 'repositories', repo, '_manifests', 'revisions', 'sha256', hex);
      await mkdir(blobDir, { recursive: true });
      await writeFile(path.join(blobDir, 'data'), m.bytes);
      await mkdir(linkDir, { recursive: true });
      await writeFile(path.join(linkDir, 'link'), `sha256:${hex}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return manifests;
}

function runNode(script: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
