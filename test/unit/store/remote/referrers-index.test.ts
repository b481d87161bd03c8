// The tag-schema index kept on registries without the referrers API, against an edge server
// that stores manifests the way distribution does (children of an index must exist, ETag on
// GET), and that can do what distribution 2.8 does not: honour If-Match / If-None-Match.
// Adding keeps other entries and the index's own fields; a conditional PUT refused with 412 is
// merged again; entries for deleted manifests are dropped when the registry refuses them; a
// tag holding no index is refused; an emptied index is deleted, or replaced by an empty one
// where deletes are off.
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { referrersTag } from '../../../../src/oci/referrers.js';
import { parseReference } from '../../../../src/reference/parse.js';
import { addToReferrersIndex, putManifestWithReferrer, removeFromReferrersIndex } from '../../../../src/store/remote/referrers-index.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';
import { digestOf, sendJson } from '../../../helpers/edge-routes.js';
import type { EdgeServer } from '../../../helpers/edge-server.js';
import { OCI_INDEX, OCI_MANIFEST, descriptorOf, referrerDoc, subjectDoc } from '../../../helpers/referrer-fixtures.js';

const edge = useOpenEdgeRegistry();

interface Stored {
  bytes: Buffer;
  mediaType: string;
}

interface MiniOptions {
  conditional?: boolean;
  deletes?: boolean;
  /** Runs before a PUT is stored: a test's chance to write "at the same time". */
  beforePut?: (reference: string) => void;
}

/** Manifests of team/app in memory, distribution-style; no referrers API (404). */
function miniRegistry(s: EdgeServer, opts: MiniOptions = {}) {
  const byDigest = new Map<string, Stored>();
  const tags = new Map<string, string>();
  const resolve = (ref: string) => (ref.includes(':') ? ref : tags.get(ref));
  const store = (ref: string, m: Stored) => {
    const digest = digestOf(m.bytes);
    byDigest.set(digest, m);
    if (!ref.includes(':')) tags.set(ref, digest);
    return digest;
  };
  const error = (res: http.ServerResponse, status: number, code: string, detail?: unknown) => sendJson(res, status, { errors: [{ code, message: code.toLowerCase(), detail }] });
  s.on('GET', /^\/v2\/team\/app\/referrers\//, (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  });
  s.on('*', /^\/v2\/team\/app\/manifests\/([^/]+)$/, (req, res) => {
    const ref = decodeURIComponent(req.match![1]!);
    const current = resolve(ref);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const m = current && byDigest.get(current);
      if (!m) return error(res, 404, 'MANIFEST_UNKNOWN');
      res.writeHead(200, { 'content-type': m.mediaType, 'content-length': m.bytes.length, 'docker-content-digest': current, etag: `"${current}"` });
      res.end(req.method === 'HEAD' ? undefined : m.bytes);
      return;
    }
    if (req.method === 'DELETE') {
      if (opts.deletes === false) return error(res, 405, 'UNSUPPORTED');
      if (!current || !byDigest.delete(current)) return error(res, 404, 'MANIFEST_UNKNOWN');
      for (const [t, d] of tags) if (d === current) tags.delete(t);
      res.writeHead(202).end();
      return;
    }
    if (req.method !== 'PUT') return error(res, 405, 'UNSUPPORTED');
    opts.beforePut?.(ref);
    if (opts.conditional) {
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      const now = resolve(ref);
      if ((ifMatch && ifMatch !== `"${now}"`) || (ifNoneMatch === '*' && now)) return error(res, 412, 'PRECONDITION_FAILED');
    }
    const body = JSON.parse(req.body.toString()) as { manifests?: { digest: string }[] };
    const unknown = (body.manifests ?? []).map((m) => m.digest).filter((d) => !byDigest.has(d));
    if (unknown.length > 0) {
      return sendJson(res, 400, { errors: unknown.map((d) => ({ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: d })) });
    }
    const digest = store(ref, { bytes: req.body, mediaType: String(req.headers['content-type']) });
    res.writeHead(201, { 'docker-content-digest': digest }).end();
  });
  return {
    store,
    tagged: (tag: string) => {
      const d = tags.get(tag);
      return d ? (JSON.parse(byDigest.get(d)!.bytes.toString()) as { manifests: { digest: string }[]; [k: string]: unknown }) : undefined;
    },
    byDigest,
    tags,
  };
}

async function setup(opts: MiniOptions = {}) {
  const { s, remote } = await edge();
  const reg = miniRegistry(s, opts);
  const subject = subjectDoc();
  reg.store('v1', { bytes: subject.bytes, mediaType: OCI_MANIFEST });
  const repo = parseReference(`${s.host}/team/app`);
  const tag = referrersTag(subject.digest);
  /** Puts a referrer by digest (into the mini registry, no index update). */
  const referrer = (artifactType = 'application/vnd.example.sig') => {
    const m = referrerDoc(subject, { artifactType });
    reg.store(m.digest, { bytes: m.bytes, mediaType: OCI_MANIFEST });
    return { ...m, descriptor: { ...descriptorOf(m), artifactType, annotations: JSON.parse(m.bytes.toString()).annotations as Record<string, string> } };
  };
  return { s, remote, reg, subject, repo, tag, referrer };
}

const putsOf = (s: EdgeServer, tag: string) => s.requests.filter((r) => r.method === 'PUT' && r.url.endsWith(`/manifests/${tag}`));

describe('putManifestWithReferrer on a registry without the referrers API', () => {
  it('creates the index (If-None-Match: *), then adds to it (If-Match with the ETag read), keeping other entries and the index fields', async () => {
    const { s, remote, reg, subject, repo, tag, referrer } = await setup();
    const first = referrerDoc(subject, { artifactType: 'application/vnd.example.sbom' });
    await putManifestWithReferrer(remote, repo.withDigest(first.digest), first.bytes, OCI_MANIFEST);
    expect(reg.tagged(tag)).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...descriptorOf(first), artifactType: 'application/vnd.example.sbom', annotations: { 'test.nonce': expect.any(String) } }],
    });
    expect(putsOf(s, tag)[0]!.headers['if-none-match']).toBe('*');

    // Another tool's entry and fields, put there directly.
    const other = referrer('application/vnd.other.tool');
    const withOther = { ...reg.tagged(tag)!, annotations: { 'org.example.tool': 'other' }, manifests: [...reg.tagged(tag)!.manifests, { ...other.descriptor, 'x-tool-field': 1 }] };
    const indexDigest = reg.store(tag, { bytes: Buffer.from(JSON.stringify(withOther)), mediaType: OCI_INDEX });

    const second = referrerDoc(subject, { configMediaType: 'application/vnd.example.sig' });
    await putManifestWithReferrer(remote, repo.withDigest(second.digest), second.bytes, OCI_MANIFEST);
    const index = reg.tagged(tag)!;
    expect(index.annotations).toEqual({ 'org.example.tool': 'other' });
    expect(index.manifests.map((m) => m.digest)).toEqual([first.digest, other.digest, second.digest]);
    expect(index.manifests[1]).toMatchObject({ 'x-tool-field': 1 });
    expect(index.manifests[2]).toMatchObject({ artifactType: 'application/vnd.example.sig' });
    expect(putsOf(s, tag).at(-1)!.headers['if-match']).toBe(`"${indexDigest}"`);

    // Pushed again: already listed, the index is not rewritten.
    const puts = putsOf(s, tag).length;
    await putManifestWithReferrer(remote, repo.withDigest(second.digest), second.bytes, OCI_MANIFEST);
    expect(putsOf(s, tag)).toHaveLength(puts);
  });

  it('does nothing more for a manifest without subject, or when the registry answered OCI-Subject', async () => {
    const { s, remote, repo, subject } = await setup();
    const plain = subjectDoc();
    await putManifestWithReferrer(remote, repo.withTag('v2'), plain.bytes, OCI_MANIFEST);
    const withSubject = referrerDoc(subject);
    s.on('PUT', `/v2/team/app/manifests/${withSubject.digest}`, (_req, res) => {
      res.writeHead(201, { 'docker-content-digest': withSubject.digest, 'oci-subject': subject.digest }).end();
    });
    await putManifestWithReferrer(remote, repo.withDigest(withSubject.digest), withSubject.bytes, OCI_MANIFEST);
    expect(s.requests.filter((r) => r.url.includes('sha256-'))).toEqual([]);
  });

  it('merges again when a conditional PUT is refused with 412 (someone wrote in between)', async () => {
    let raced = false;
    let sneak: (() => void) | undefined;
    const { s, remote, reg, repo, subject, tag, referrer } = await setup({
      conditional: true,
      beforePut: (ref) => {
        if (ref === tag && !raced) {
          raced = true;
          sneak?.();
        }
      },
    });
    const theirs = referrer('application/vnd.theirs');
    sneak = () => reg.store(tag, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [theirs.descriptor] })), mediaType: OCI_INDEX });
    const ours = referrer('application/vnd.ours');
    await addToReferrersIndex(remote, repo, subject.digest, ours.descriptor);
    expect(reg.tagged(tag)!.manifests.map((m) => m.digest)).toEqual([theirs.digest, ours.digest]);
    const puts = putsOf(s, tag);
    expect(puts).toHaveLength(2);
    expect(puts[0]!.headers['if-none-match']).toBe('*');
    expect(puts[1]!.headers['if-match']).toBeDefined();
  });

  it('merges again when, with no conditional PUT, another client overwrote the write before the check', async () => {
    const { reg, remote, repo, subject, tag, referrer } = await setup();
    const theirs = referrer('application/vnd.theirs');
    const ours = referrer('application/vnd.ours');
    const done = addToReferrersIndex(remote, repo, subject.digest, ours.descriptor);
    // As soon as our first write lands, "another client" writes the index it had read before it.
    while (!reg.tags.has(tag)) await new Promise((r) => setTimeout(r, 1));
    reg.store(tag, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [theirs.descriptor] })), mediaType: OCI_INDEX });
    await done;
    expect(reg.tagged(tag)!.manifests.map((m) => m.digest)).toEqual([theirs.digest, ours.digest]);
  });

  it('drops entries for manifests the registry no longer has (MANIFEST_BLOB_UNKNOWN), keeping the rest', async () => {
    const { reg, remote, repo, subject, tag, referrer } = await setup();
    const kept = referrer();
    const deleted = referrer();
    reg.store(tag, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [kept.descriptor, deleted.descriptor] })), mediaType: OCI_INDEX });
    reg.byDigest.delete(deleted.digest);
    const added = referrer();
    await addToReferrersIndex(remote, repo, subject.digest, added.descriptor);
    expect(reg.tagged(tag)!.manifests.map((m) => m.digest)).toEqual([kept.digest, added.digest]);
  });

  it('refuses to touch a tag-schema tag that holds no index, and says which tag', async () => {
    const { s, reg, remote, repo, subject, tag, referrer } = await setup();
    const image = subjectDoc();
    reg.store(tag, { bytes: image.bytes, mediaType: OCI_MANIFEST });
    await expect(addToReferrersIndex(remote, repo, subject.digest, referrer().descriptor)).rejects.toMatchObject({
      code: 'REGCTL_REGISTRY',
      message: expect.stringContaining(`${s.host}/team/app:${tag} holds a ${OCI_MANIFEST}, not an image index`),
    });
    expect(putsOf(s, tag)).toHaveLength(0);
  });

  it('refuses an index that would pass the 4 MiB manifest limit (REGCTL_TOO_LARGE), writing nothing', async () => {
    const { s, reg, remote, repo, subject, tag, referrer } = await setup();
    const existing = referrer();
    const shell = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...existing.descriptor, annotations: { pad: '' } }] });
    const pad = 'x'.repeat(4 * 1024 * 1024 - shell.length - 10);
    reg.store(tag, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...existing.descriptor, annotations: { pad } }] })), mediaType: OCI_INDEX });
    await expect(addToReferrersIndex(remote, repo, subject.digest, referrer().descriptor)).rejects.toMatchObject({ code: 'REGCTL_TOO_LARGE' });
    expect(putsOf(s, tag)).toHaveLength(0);
  });
});

describe('removeFromReferrersIndex', () => {
  it('takes one entry out and keeps the others; the last one out deletes the index, and its tag with it', async () => {
    const { s, reg, remote, repo, subject, tag, referrer } = await setup();
    const a = referrer();
    const b = referrer();
    reg.store(tag, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [a.descriptor, b.descriptor], annotations: { keep: 'me' } })), mediaType: OCI_INDEX });
    await removeFromReferrersIndex(remote, repo, subject.digest, a.digest);
    expect(reg.tagged(tag)).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [b.descriptor], annotations: { keep: 'me' } });
    // Not listed: nothing is written.
    const before = s.requests.length;
    await removeFromReferrersIndex(remote, repo, subject.digest, a.digest);
    expect(s.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);

    const last = reg.tags.get(tag)!;
    await removeFromReferrersIndex(remote, repo, subject.digest, b.digest);
    expect(reg.tags.has(tag)).toBe(false);
    expect(s.requests.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual([`/v2/team/app/manifests/${last}`]);
  });

  it('puts an empty index in place where deletes are off', async () => {
    const { reg, remote, repo, subject, tag, referrer } = await setup({ deletes: false });
    const a = referrer();
    reg.store(tag, { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [a.descriptor] })), mediaType: OCI_INDEX });
    await removeFromReferrersIndex(remote, repo, subject.digest, a.digest);
    expect(reg.tagged(tag)).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  });

  it('is a no-op without an index', async () => {
    const { s, remote, repo, subject } = await setup();
    await removeFromReferrersIndex(remote, repo, subject.digest, digestOf('x'));
    expect(s.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
