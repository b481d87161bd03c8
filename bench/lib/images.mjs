// Builds the benchmark's OCI image layouts once: each layer is a real ustar holding one file of
// pseudo-random bytes (AES-CTR keystream with a key derived from the image and layer, so the
// content is incompressible and the same on every machine), gzip level 1, with the diff_id
// (sha256 of the uncompressed tar) in the config. A JSON manifest of what was built lets later
// runs reuse the layouts; a change of SPECS or a missing blob rebuilds.
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const KiB = 1024;
const MiB = 1024 * KiB;
export const SPECS = {
  big: { layers: 4, layerBytes: 256 * MiB },
  many: { layers: 200, layerBytes: 100 * KiB },
  small: { layers: 1, layerBytes: 2 * MiB },
};
const FORMAT = 1; // bump when the layout of a built image changes
const MTIME = 1704067200; // 2024-01-01T00:00:00Z
const MT = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

function octal(value, width) {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar header for one regular file (checksum computed as POSIX says: over the header with 8 spaces). */
function ustarHeader(name, size) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(MTIME, 12), 136);
  h.fill(' ', 148, 156);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** The tar stream of one layer, in 1 MiB chunks. */
async function* layerTar(image, index, size) {
  yield ustarHeader(`bench/${image}-layer-${String(index).padStart(3, '0')}.bin`, size);
  const key = createHash('sha256').update(`regctl-bench/${image}/${index}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  for (let left = size; left > 0; left -= MiB) yield cipher.update(zeros.subarray(0, Math.min(MiB, left)));
  const padding = (512 - (size % 512)) % 512;
  yield Buffer.alloc(padding + 1024); // pad the file, then two zero blocks end the archive
}

async function writeLayer(blobsDir, image, index, size) {
  const diff = createHash('sha256');
  const comp = createHash('sha256');
  let compressed = 0;
  const temp = path.join(blobsDir, `.layer-${image}-${index}.tmp`);
  await pipeline(
    layerTar(image, index, size),
    async function* (source) { for await (const chunk of source) { diff.update(chunk); yield chunk; } },
    createGzip({ level: 1 }),
    async function* (source) { for await (const chunk of source) { comp.update(chunk); compressed += chunk.length; yield chunk; } },
    createWriteStream(temp),
  );
  const hex = comp.digest('hex');
  await rename(temp, path.join(blobsDir, hex));
  return { digest: `sha256:${hex}`, size: compressed, diffId: `sha256:${diff.digest('hex')}` };
}

async function writeJsonBlob(blobsDir, value) {
  const bytes = Buffer.from(JSON.stringify(value));
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(path.join(blobsDir, hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

async function buildImage(dir, image, spec, log) {
  await rm(dir, { recursive: true, force: true });
  const blobsDir = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  const layers = new Array(spec.layers);
  let next = 0;
  const worker = async () => { // two at a time: gzip runs on libuv's pool, so both cores work
    while (next < spec.layers) { const i = next++; layers[i] = await writeLayer(blobsDir, image, i, spec.layerBytes); }
  };
  const t0 = performance.now();
  await Promise.all([worker(), worker()]);
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const config = await writeJsonBlob(blobsDir, {
    created: '2024-01-01T00:00:00Z', architecture: arch, os: 'linux',
    config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  });
  const manifest = await writeJsonBlob(blobsDir, {
    schemaVersion: 2, mediaType: MT.manifest,
    config: { mediaType: MT.config, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: MT.layer, digest: l.digest, size: l.size })),
  });
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, mediaType: MT.index,
    manifests: [{ mediaType: MT.manifest, ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
  }));
  const blobs = [manifest, config, ...layers].map(({ digest, size }) => ({ digest, size }));
  log(`  built ${image}: ${spec.layers} layers, ${(blobs.reduce((s, b) => s + b.size, 0) / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, tag: 'latest', manifestDigest: manifest.digest, blobs, blobBytes: blobs.reduce((s, b) => s + b.size, 0) };
}

function stillThere(image) {
  return image.blobs.every((b) => {
    const file = path.join(image.dir, 'blobs', 'sha256', b.digest.slice(7));
    return existsSync(file) && statSync(file).size === b.size;
  });
}

/** Returns { big, many, small } built images, reusing `workDir/images` when its manifest matches. */
export async function ensureImages(workDir, log = console.log) {
  const manifestPath = path.join(workDir, 'images.json');
  const wanted = { format: FORMAT, specs: SPECS };
  let built;
  try {
    built = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    built = undefined;
  }
  if (built && JSON.stringify({ format: built.format, specs: built.specs }) === JSON.stringify(wanted)
      && Object.keys(SPECS).every((name) => built.images?.[name] && stillThere(built.images[name]))) {
    log(`images: reusing ${manifestPath} (built ${built.builtAt})`);
    return built.images;
  }
  log('images: building (once; reused by later runs)');
  const images = {};
  for (const [name, spec] of Object.entries(SPECS)) images[name] = await buildImage(path.join(workDir, 'images', name), name, spec, log);
  await writeFile(manifestPath, JSON.stringify({ ...wanted, builtAt: new Date().toISOString(), images }, null, 2));
  return images;
}

/** append's input (untimed, built once): a directory of 100 files of 1 MiB incompressible bytes each. */
export async function ensureAppendDir(work) {
  const dir = path.join(work, 'append-dir');
  const files = 100;
  if (existsSync(path.join(dir, `f-${files - 1}.bin`)) && statSync(path.join(dir, `f-${files - 1}.bin`)).size === MiB) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < files; i++) {
    const key = createHash('sha256').update(`regctl-bench/append/${i}`).digest();
    await writeFile(path.join(dir, `f-${i}.bin`), createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(MiB)));
  }
  return dir;
}
