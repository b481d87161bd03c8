// Opening a store directory: validate what is there, create what is missing. Creation order
// makes a crash at any point harmless: oci-layout first (it marks the directory as ours to
// complete), then blobs/, then an empty index.json, each created only if absent.
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { createIfAbsent, errnoCode, ioError, layoutError, mkdirs } from './layout-fs.js';
import { emptyIndex, readIndex, serializeIndex } from './index-file.js';
import { IMAGE_LAYOUT_VERSION, type LayoutPaths } from './layout-paths.js';

export type LayoutState = 'missing' | 'ready';

/** Checks (and with `create`, completes) the layout. 'missing' only without `create`. */
export async function openLayout(paths: LayoutPaths, create: boolean, hint = 'point --store (or REGCTL_STORE) at an empty or new directory'): Promise<LayoutState> {
  const dirState = await directoryState(paths.dir);
  if (dirState === 'absent') {
    if (!create) return 'missing';
    await mkdirs(paths.dir);
  }
  const hasMarker = await readOciLayout(paths.ociLayout);
  if (!hasMarker && dirState === 'non-empty') {
    throw layoutError(
      `${paths.dir} is not an OCI image layout: ${paths.ociLayout} is missing and the directory is not empty`,
      hint,
    );
  }
  // Validate an existing index.json even for readers: a broken one must never look empty.
  const index = await readIndex(paths.index);
  if (!create) return hasMarker ? 'ready' : 'missing';
  await assertWritable(paths.dir);
  if (!hasMarker) await createIfAbsent(paths.ociLayout, JSON.stringify({ imageLayoutVersion: IMAGE_LAYOUT_VERSION }));
  await mkdirs(path.join(paths.blobs, 'sha256'));
  if (index === undefined) await createIfAbsent(paths.index, serializeIndex(emptyIndex()));
  return 'ready';
}

async function directoryState(dir: string): Promise<'absent' | 'empty' | 'non-empty'> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') throw layoutError(`${dir} is not a directory`, 'point --store (or REGCTL_STORE) at a directory');
    throw ioError('read', dir, err);
  }
  // Another process creating this layout right now has only its oci-layout temp file here
  // (createIfAbsent writes it, then links it into place): that is not foreign content.
  const foreign = entries.filter((name) => !MARKER_TEMP.test(name));
  return foreign.length === 0 ? 'empty' : 'non-empty';
}

const MARKER_TEMP = /^oci-layout\.\d+\.[0-9a-f]+\.tmp$/;

/** True when oci-layout exists and is valid; false when absent; REGCTL_LAYOUT when broken. */
async function readOciLayout(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw ioError('read', file, err);
  }
  let version: unknown;
  try {
    version = (JSON.parse(text) as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  } catch {
    throw layoutError(`invalid OCI image layout: ${file}: not valid JSON`, `expected {"imageLayoutVersion":"${IMAGE_LAYOUT_VERSION}"}`);
  }
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw layoutError(
      `invalid OCI image layout: ${file}: unsupported imageLayoutVersion ${JSON.stringify(version)}`,
      `expected {"imageLayoutVersion":"${IMAGE_LAYOUT_VERSION}"}`,
    );
  }
  return true;
}

/** Fails early (before any download) when the store cannot be written. */
async function assertWritable(dir: string): Promise<void> {
  try {
    await fs.access(dir, fsConstants.W_OK);
  } catch (err) {
    throw ioError('write to store directory', dir, err);
  }
}
