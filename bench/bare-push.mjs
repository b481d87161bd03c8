#!/usr/bin/env node
// The floor for a Node push from an OCI layout: per blob HEAD (skip if present), POST to open an
// upload, then one monolithic PUT ?digest= whose body streams from the file (1 MiB reads, hashed
// while sending, Content-Length known), 4 blobs at a time; then PUT the manifest.
// No store bookkeeping, no progress, no retries, no auth, no cross-repository mount.
// Usage: node bench/bare-push.mjs LAYOUT_DIR TAG http://127.0.0.1:PORT REPO [CONCURRENCY]
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

const [layout, tag, base, repo, conc = '4'] = process.argv.slice(2);
const blobFile = (digest) => path.join(layout, 'blobs', 'sha256', digest.slice(7));

async function* hashed(file, digest) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk);
    yield chunk;
  }
  if (`sha256:${hash.digest('hex')}` !== digest) throw new Error(`${file} does not match ${digest}`);
}

async function pushBlob({ digest, size }) {
  const head = await request(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  await head.body.dump();
  if (head.statusCode === 200) return;
  const post = await request(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await post.body.dump();
  if (post.statusCode !== 202) throw new Error(`POST upload: ${post.statusCode}`);
  const url = new URL(post.headers.location, base);
  url.searchParams.set('digest', digest);
  const put = await request(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: hashed(blobFile(digest), digest),
  });
  await put.body.dump();
  if (put.statusCode !== 201) throw new Error(`PUT blob ${digest}: ${put.statusCode}`);
}

const index = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8'));
const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
if (!entry) throw new Error(`no tag ${tag} in ${layout}`);
const bytes = readFileSync(blobFile(entry.digest));
const manifest = JSON.parse(bytes.toString('utf8'));
const queue = [manifest.config, ...manifest.layers];
await Promise.all(Array.from({ length: Number(conc) }, async () => {
  for (let d = queue.shift(); d; d = queue.shift()) await pushBlob(d);
}));
const res = await request(`${base}/v2/${repo}/manifests/${tag}`, {
  method: 'PUT', headers: { 'content-type': entry.mediaType }, body: bytes,
});
await res.body.dump();
if (res.statusCode !== 201) throw new Error(`PUT manifest: ${res.statusCode}`);
