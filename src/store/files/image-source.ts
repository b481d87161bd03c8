// Local files as a transfer source: an OCI artifact assembled the way `oras push` assembles it
// (oci/artifact-manifest.ts): one layer per file, titled with its base name
// (org.opencontainers.image.title), of media type application/vnd.oci.image.layer.v1.tar unless
// FILE:TYPE says otherwise; a directory packed to a tar+gzip temp file first (directory-pack.ts);
// the empty `{}` config unless a config file is given. Every file is hashed by streaming it once
// to build the manifest, and streamed again when the transfer reads it (file-blob.ts); close()
// removes the packed directories.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { RegctlError, UsageError } from '../../errors.js';
import {
  ANNOTATION_TITLE,
  DEFAULT_ARTIFACT_TYPE,
  DEFAULT_CONFIG_MEDIA_TYPE,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON,
  ORAS_CONTENT_DIGEST,
  ORAS_CONTENT_UNPACK,
  marshalArtifactManifest,
} from '../../oci/artifact-manifest.js';
import type { Annotations, Descriptor } from '../../oci/manifest.js';
import { OCI_EMPTY, OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP } from '../../oci/media-types.js';
import type { BlobSource, ImageSource, ManifestResult } from '../backend.js';
import { ioError } from '../layout/layout-fs.js';
import { packDirectory } from './directory-pack.js';
import { bytesBlobSource, fileBlobSource, hashFile, type HashedFile } from './file-blob.js';
import type { FileRef } from './file-ref.js';

export interface FilesSourceOptions {
  /** Default: oras's application/vnd.unknown.artifact.v1, unless a config gives the type. */
  artifactType?: string;
  /** Manifest annotations; `org.opencontainers.image.created` is added (now) unless given. */
  annotations?: Annotations;
  /** A config blob instead of the empty one (default type application/vnd.unknown.config.v1+json). */
  config?: FileRef;
  /** The manifest this artifact refers to (`attach`). */
  subject?: Descriptor;
  /** The creation time written when `annotations` has none (default: now). */
  created?: Date;
  /** Where directories are packed (default: the OS temp directory). */
  tmpDir?: string;
  signal?: AbortSignal;
}

export interface FilesSource extends ImageSource {
  /** The manifest the files make, with its exact bytes. */
  readonly artifact: ManifestResult;
  /** Its layers, in the order the files were given. */
  readonly layers: readonly Descriptor[];
}

interface Packed {
  descriptor: Descriptor;
  hashed: HashedFile;
}

/** The layer's title: the file's base name (a path given as `.` is named by the directory it is). */
function titleOf(file: string): string {
  const title = path.basename(path.resolve(file));
  if (title === '') throw new UsageError(`cannot push ${file}: it has no name to give the file`);
  return title;
}

async function statOf(file: string): Promise<Stats> {
  return fs.stat(file).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RegctlError('REGCTL_IO', `${file}: no such file or directory`);
    throw ioError('read', file, err);
  });
}

async function packOne(ref: FileRef, opts: FilesSourceOptions, cleanups: (() => Promise<void>)[]): Promise<Packed> {
  const stat = await statOf(ref.path);
  const title = titleOf(ref.path);
  const signal = opts.signal ? { signal: opts.signal } : {};
  if (stat.isDirectory()) {
    const packed = await packDirectory(ref.path, title, { ...signal, ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}) });
    cleanups.push(packed.remove);
    return {
      hashed: packed,
      descriptor: {
        mediaType: ref.mediaType ?? OCI_LAYER_TAR_GZIP,
        digest: packed.digest,
        size: packed.size,
        annotations: { [ORAS_CONTENT_DIGEST]: packed.tarDigest, [ORAS_CONTENT_UNPACK]: 'true', [ANNOTATION_TITLE]: title },
      },
    };
  }
  if (!stat.isFile()) throw new RegctlError('REGCTL_IO', `${ref.path} is not a regular file or a directory`);
  const hashed = await hashFile(ref.path, opts.signal);
  return { hashed, descriptor: { mediaType: ref.mediaType ?? OCI_LAYER_TAR, digest: hashed.digest, size: hashed.size, annotations: { [ANNOTATION_TITLE]: title } } };
}

/** Two files of one name would overwrite each other on pull: refused as oras refuses them. */
function checkTitles(files: readonly FileRef[], packed: readonly Packed[]): void {
  const seen = new Map<string, string>();
  packed.forEach((p, i) => {
    const title = p.descriptor.annotations![ANNOTATION_TITLE]!;
    const other = seen.get(title);
    if (other !== undefined) throw new UsageError(`${title}: duplicate name (${other} and ${files[i]!.path} would both be pulled as ${title})`);
    seen.set(title, files[i]!.path);
  });
}

/** Hashes (and packs) the files; what it packed is removed by close(), or at once on failure. */
export async function openFilesSource(files: readonly FileRef[], opts: FilesSourceOptions = {}): Promise<FilesSource> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  };
  try {
    const packed: Packed[] = [];
    for (const ref of files) packed.push(await packOne(ref, opts, cleanups));
    checkTitles(files, packed);
    let config: Packed | undefined;
    if (opts.config) {
      const stat = await statOf(opts.config.path);
      if (!stat.isFile()) throw new RegctlError('REGCTL_IO', `${opts.config.path} is not a regular file`);
      const hashed = await hashFile(opts.config.path, opts.signal);
      config = { hashed, descriptor: { mediaType: opts.config.mediaType ?? DEFAULT_CONFIG_MEDIA_TYPE, digest: hashed.digest, size: hashed.size } };
    }
    // oras: no type given and no config -> its unknown-artifact type; a config of its own type
    // names the artifact by itself (the image-spec 1.0 form, no artifactType).
    const artifactType = opts.artifactType || (config && config.descriptor.mediaType !== OCI_EMPTY ? undefined : DEFAULT_ARTIFACT_TYPE);
    const layers = packed.map((p) => p.descriptor);
    const marshalled = marshalArtifactManifest({
      artifactType,
      config: config?.descriptor,
      // image-spec 1.1: an artifact without blobs carries the empty descriptor as its one layer.
      layers: layers.length === 0 && artifactType ? [EMPTY_DESCRIPTOR] : layers,
      subject: opts.subject,
      annotations: opts.annotations,
      created: opts.created,
    });
    const artifact: ManifestResult = { bytes: marshalled.bytes, mediaType: marshalled.mediaType, digest: marshalled.digest, size: marshalled.size };
    const blobs = new Map<string, HashedFile>();
    for (const p of [...packed, ...(config ? [config] : [])]) blobs.set(p.descriptor.digest, p.hashed);
    return filesSource(artifact, layers, blobs, cleanup, files);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function filesSource(artifact: ManifestResult, layers: Descriptor[], blobs: Map<string, HashedFile>, cleanup: () => Promise<void>, files: readonly FileRef[]): FilesSource {
  const name = files.length === 0 ? '(no files)' : files.map((f) => f.path).join(', ');
  const blob = (d: Descriptor): BlobSource => {
    if (d.digest === EMPTY_DESCRIPTOR.digest) return bytesBlobSource(EMPTY_JSON, d.digest);
    const hashed = blobs.get(d.digest);
    if (!hashed) throw new RegctlError('REGCTL_NOT_FOUND', `blob ${d.digest} is not one of ${name}`);
    return fileBlobSource(hashed, hashed.file);
  };
  return {
    name,
    artifact,
    layers,
    manifest: async (digest) => {
      if (digest && digest !== artifact.digest) throw new RegctlError('REGCTL_NOT_FOUND', `manifest ${digest} is not the artifact of ${name}`);
      return artifact;
    },
    blobBytes: async (digest, limit) => {
      const source = blob({ mediaType: '', digest, size: 0 });
      if (source.size > limit) throw new RegctlError('REGCTL_TOO_LARGE', `blob ${digest} is ${source.size} bytes, over the ${limit}-byte limit`);
      const chunks: Uint8Array[] = [];
      for await (const chunk of source.read(0, source.size)) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    blob,
    close: cleanup,
  };
}
