#!/usr/bin/env node
// The floor for a Node pull: what a client must do at least, and nothing else. GET the manifest,
// then the config and layers 4 at a time with undici's request() (or node:http's, with STACK
// `node`: the stack regctl uses by default); each chunk is hashed (sha256) and written with
// fs.writeSync at its position; then fsync, digest check, rename into OUT/blobs/sha256/. No store
// bookkeeping, no progress, no retries, no auth.
// Usage: node bench/bare-pull.mjs http://127.0.0.1:PORT REPO TAG OUTDIR [CONCURRENCY] [undici|node]
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

const [base, repo, tag, out, conc = '4', stack = 'undici'] = process.argv.slice(2);
const request = stack === 'node' ? await nodeHttpRequest() : (await import('undici')).request;

/** undici's request() shape ({ statusCode, body } with body.arrayBuffer()) over node:http. */
async function nodeHttpRequest() {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true });
  return (url, opts = {}) =>
    new Promise((resolve, reject) => {
      http.get(url, { agent, headers: opts.headers ?? {} }, (res) => {
        res.arrayBuffer = async () => {
          const chunks = [];
          for await (const c of res) chunks.push(c);
          return Buffer.concat(chunks);
        };
        resolve({ statusCode: res.statusCode, body: res });
      }).on('error', reject);
    });
}
const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
const blobsDir = path.join(out, 'blobs', 'sha256');
mkdirSync(blobsDir, { recursive: true });

async function fetchBlob({ digest, size }) {
  const res = await request(`${base}/v2/${repo}/blobs/${digest}`);
  if (res.statusCode !== 200) throw new Error(`GET blob ${digest}: ${res.statusCode}`);
  const temp = path.join(blobsDir, `.${digest.slice(7)}.partial`);
  const fd = openSync(temp, 'w');
  const hash = createHash('sha256');
  let position = 0;
  for await (const chunk of res.body) {
    hash.update(chunk);
    for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off, position + off);
    position += chunk.length;
  }
  fsyncSync(fd);
  closeSync(fd);
  if (position !== size || `sha256:${hash.digest('hex')}` !== digest) throw new Error(`blob ${digest}: wrong size or digest`);
  renameSync(temp, path.join(blobsDir, digest.slice(7)));
}

const res = await request(`${base}/v2/${repo}/manifests/${tag}`, { headers: { accept: ACCEPT } });
if (res.statusCode !== 200) throw new Error(`GET manifest: ${res.statusCode}`);
const bytes = Buffer.from(await res.body.arrayBuffer());

const manifest = JSON.parse(bytes.toString('utf8'));
const queue = [manifest.config, ...manifest.layers];
await Promise.all(Array.from({ length: Number(conc) }, async () => {
  for (let d = queue.shift(); d; d = queue.shift()) await fetchBlob(d);
}));
const digest = createHash('sha256').update(bytes).digest('hex');
writeFileSync(path.join(blobsDir, digest), bytes);
