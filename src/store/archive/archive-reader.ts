// Reads an image archive once, front to back, with tar-stream's extract; memory stays bounded
// whatever the archive's size. `blobs/<alg>/<hex>` entries stream straight into the store's
// blob writer, which checks the content against the name; metadata (manifest.json, configs,
// VERSION) and other small files are kept in memory within a budget; everything else (old-format
// `layer.tar`, whose digest is only known once read) is hashed while it is copied to a staging
// file inside the store, and enters the store later, only if a manifest references it.
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header } from 'tar-stream';
import { isRegctlError, RegctlError } from '../../errors.js';
import { createDigester, isDigest, type Digester } from '../../oci/digest.js';
import { LayoutPaths } from '../layout/layout-paths.js';
import type { LayoutStore } from '../layout/layout-store.js';
import { linkTarget, normalizeEntryName, unsafeEntry } from './entry-names.js';

/** Any file up to this size may be kept in memory (within the budget below). */
export const SMALL_FILE_LIMIT = 1024 * 1024;
/** Metadata (manifest.json, index.json, configs) up to this size is kept in memory. */
export const METADATA_LIMIT = 16 * 1024 * 1024;
/** At most this much of an archive is ever held in memory; the rest is staged on disk. */
const MEMORY_BUDGET = 64 * 1024 * 1024;
const METADATA_NAME = /(?:^|\/)(?:json|VERSION|repositories|oci-layout)$|\.json$/;

export type ArchiveFile =
  | { kind: 'blob'; digest: string; size: number }
  | { kind: 'bytes'; digest: string; size: number; bytes: Buffer }
  | { kind: 'staged'; digest: string; size: number; file: string };

export interface ArchiveContents {
  files: Map<string, ArchiveFile>;
  /** Link name -> target name, both inside the archive. */
  links: Map<string, string>;
  /** Removes staging files; call when done, whatever happened. */
  cleanup(): Promise<void>;
}

const BLOB_NAME = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/;

async function* chunksOf(entry: AsyncIterable<unknown>, digester?: Digester): AsyncGenerator<Uint8Array> {
  for await (const chunk of entry) {
    digester?.update(chunk as Uint8Array);
    yield chunk as Uint8Array;
  }
}

export async function readArchive(store: LayoutStore, input: Readable, opts: { signal?: AbortSignal } = {}): Promise<ArchiveContents> {
  const files = new Map<string, ArchiveFile>();
  const links = new Map<string, string>();
  const staged: string[] = [];
  const staging = new LayoutPaths(store.dir).staging;
  const cleanup = async () => {
    await Promise.all(staged.map((f) => fs.rm(f, { force: true })));
  };
  const ex = extract();
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex);
  let current = '';
  /** The blob being written when reading fails: its partial is of no use to anyone. */
  let writing: string | undefined;
  let inMemory = 0;
  try {
    for await (const entry of ex) {
      const header: Header = entry.header;
      current = header.name;
      const name = normalizeEntryName(header.name);
      if (opts.signal?.aborted) throw new RegctlError('REGCTL_ABORTED', 'load interrupted');
      if (header.type === 'directory') {
        entry.resume();
        continue;
      }
      if (header.type === 'symlink' || header.type === 'link') {
        links.set(name, linkTarget(name, header.linkname ?? '', header.type));
        entry.resume();
        continue;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        throw unsafeEntry(header.name, `entries of type ${header.type} are not part of an image archive`);
      }
      if (files.has(name) || links.has(name)) throw unsafeEntry(header.name, 'the archive holds this name twice');
      const size = header.size ?? 0;
      const blob = BLOB_NAME.exec(name);
      if (blob) {
        const digest = `${blob[1]}:${blob[2]}`;
        if (!isDigest(digest)) throw unsafeEntry(header.name, 'the name under blobs/ is not a digest');
        if ((await store.hasBlob(digest)) === size) {
          entry.resume(); // already stored (and verified when it was)
        } else {
          writing = digest;
          await store.writeBlob(digest, chunksOf(entry), { size, ...(opts.signal ? { signal: opts.signal } : {}) }).catch((err: unknown) => {
            if (isRegctlError(err) && err.code === 'REGCTL_DIGEST_MISMATCH') throw unsafeEntry(header.name, 'its content does not match the digest in its name');
            throw err;
          });
        }
        writing = undefined;
        files.set(name, { kind: 'blob', digest, size });
      } else if ((size <= SMALL_FILE_LIMIT || (size <= METADATA_LIMIT && METADATA_NAME.test(name))) && inMemory + size <= MEMORY_BUDGET) {
        inMemory += size;
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        const bytes = Buffer.concat(chunks);
        files.set(name, { kind: 'bytes', digest: createDigester().update(bytes).digest(), size: bytes.length, bytes });
      } else {
        await fs.mkdir(staging, { recursive: true });
        const file = path.join(staging, `load-${randomBytes(8).toString('hex')}.tmp`);
        staged.push(file);
        const digester = createDigester();
        await pipeline(Readable.from(chunksOf(entry, digester)), createWriteStream(file, { flags: 'wx' }));
        files.set(name, { kind: 'staged', digest: digester.digest(), size, file });
      }
    }
  } catch (err) {
    ex.destroy();
    input.unpipe(ex);
    await cleanup();
    if (writing) await store.discardPartial(writing).catch(() => undefined);
    if (isRegctlError(err)) throw err;
    const message = (err as Error).message ?? String(err);
    throw new RegctlError('REGCTL_LAYOUT', `cannot read the archive${current ? ` (at entry "${current}")` : ''}: ${/unexpected end/i.test(message) ? 'it is truncated' : message}`, { cause: err });
  }
  return { files, links, cleanup };
}

/**
 * Reads `input` once into `store` (readArchive), lets `interpret` find the images in what it
 * holds, then removes the staging files whatever happened.
 */
export async function withArchive<T>(store: LayoutStore, input: Readable, opts: { signal?: AbortSignal }, interpret: (contents: ArchiveContents) => Promise<T>): Promise<T> {
  const contents = await readArchive(store, input, opts);
  try {
    return await interpret(contents);
  } finally {
    await contents.cleanup();
  }
}
