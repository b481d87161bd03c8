// One file of an image's filesystem, read from the top layer down and no further than needed:
// the first visible entry of the path decides (a whiteout or an opaque directory above hides
// lower ones, whiteouts.ts). Symlinks are followed inside the image, as `cat` in a container
// follows them: the link itself and links in the path's directories (merged-usr `/bin -> usr/bin`),
// absolute targets from the image root, `..` stopping at the root, at most 40 hops (Linux's
// MAXSYMLINKS); each hop reads again from the top. A hardlink gives its target's content as of
// the link's layer (that layer read again), even where an upper layer replaced the target. Once the file is written, the rest of its layer
// is read so the layer's digest is checked (a mismatch fails after the bytes were written);
// layers below it are never requested.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import path from 'node:path/posix';
import { RegctlError } from '../../errors.js';
import type { LayerInput } from './flatten.js';
import { layerEntries } from './layer-reader.js';
import { classifyEntry, LayerStack, normalizeLayerPath } from './whiteouts.js';

/** Linux's MAXSYMLINKS: more hops is a loop (ELOOP). */
export const MAX_SYMLINK_HOPS = 40;

export interface FindFileOptions {
  signal?: AbortSignal;
  /** The image as the user named it, for messages. */
  where: string;
}

/** `target` of a symlink at `link`, as a path from the root: absolute from the root, relative from the link's directory, `..` clamped at the root. */
export function resolveSymlink(link: string, target: string): string {
  const parts = target.startsWith('/') ? [] : path.dirname(link) === '.' ? [] : path.dirname(link).split('/');
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

type Outcome = { kind: 'written' } | { kind: 'follow'; path: string } | { kind: 'hardlink'; layer: number; target: string } | { kind: 'missing'; why?: string };

async function write(out: Writable, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** One pass from the top layer down looking for `wanted`. */
async function search(layers: readonly LayerInput[], wanted: string, out: Writable, opts: FindFileOptions, shown: string): Promise<Outcome> {
  const stack = new LayerStack();
  for (let i = layers.length - 1; i >= 0; i--) {
    const { descriptor, blob } = layers[i]!;
    let outcome: Outcome | undefined;
    for await (const { header, stream } of layerEntries(blob, descriptor, opts.where, opts.signal)) {
      if (outcome) {
        stream.resume(); // the file is written: the rest of its layer only to check the digest
        continue;
      }
      const name = normalizeLayerPath(header.name, descriptor.digest);
      const kind = name === '' ? { kind: 'metadata' as const } : classifyEntry(name);
      if (kind.kind === 'whiteout' || kind.kind === 'opaque') stack.mark(kind);
      if (kind.kind !== 'entry' || stack.hidden(name)) {
        stream.resume();
        continue;
      }
      stack.keep(name, header.type === 'directory');
      if (name === wanted) {
        if (header.type === 'file' || header.type === 'contiguous-file') {
          await write(out, stream);
          outcome = { kind: 'written' };
          continue;
        }
        stream.resume();
        if (header.type === 'symlink') return { kind: 'follow', path: resolveSymlink(name, header.linkname ?? '') };
        // A hardlink shares its target's content as of this layer, even if an upper layer replaced or deleted the target.
        if (header.type === 'link') return { kind: 'hardlink', layer: i, target: normalizeLayerPath(header.linkname ?? '', descriptor.digest) };
        if (header.type === 'directory') throw new RegctlError('REGCTL_UNSUPPORTED', `${shown} in ${opts.where} is a directory`, { hint: `list it with: regctl export ${opts.where} | tar -tv ${wanted}/` });
        throw new RegctlError('REGCTL_UNSUPPORTED', `${shown} in ${opts.where} is not a regular file (${header.type})`);
      }
      stream.resume();
      if (wanted.startsWith(`${name}/`)) {
        if (header.type === 'symlink') return { kind: 'follow', path: resolveSymlink(name, header.linkname ?? '') + wanted.slice(name.length) };
        if (header.type !== 'directory') return { kind: 'missing', why: `/${name} is not a directory` };
      }
    }
    if (outcome) return outcome;
    stack.endLayer();
    if (stack.hidden(wanted)) return { kind: 'missing' };
  }
  return { kind: 'missing' };
}

/** A hardlink's target, a regular file of the same layer: read from that layer alone (its whole, so its digest is checked). */
async function readHardlinkTarget(layer: LayerInput, target: string, out: Writable, opts: FindFileOptions): Promise<boolean> {
  let found = false;
  for await (const { header, stream } of layerEntries(layer.blob, layer.descriptor, opts.where, opts.signal)) {
    if (!found && (header.type === 'file' || header.type === 'contiguous-file') && normalizeLayerPath(header.name, layer.descriptor.digest) === target) {
      await write(out, stream);
      found = true;
    } else stream.resume();
  }
  return found;
}

/** Writes the file at `file` (a path in the image) from `layers` (base first) into `out`; `out` is not ended. */
export async function findFile(layers: readonly LayerInput[], file: string, out: Writable, opts: FindFileOptions): Promise<void> {
  const shown = `/${normalizeLayerPath(file, 'the path')}`;
  let wanted = normalizeLayerPath(file, 'the path');
  if (wanted === '') throw new RegctlError('REGCTL_UNSUPPORTED', `/ in ${opts.where} is a directory`);
  for (let hops = 0; ; hops++) {
    if (hops > MAX_SYMLINK_HOPS) throw new RegctlError('REGCTL_UNSUPPORTED', `${shown} in ${opts.where}: too many levels of symbolic links`);
    const outcome = await search(layers, wanted, out, opts, shown);
    if (outcome.kind === 'written') return;
    if (outcome.kind === 'hardlink') {
      if (await readHardlinkTarget(layers[outcome.layer]!, outcome.target, out, opts)) return;
      // A link to a file of a lower layer (layer tools do not make them): look it up as a path.
      wanted = outcome.target;
      continue;
    }
    if (outcome.kind === 'missing') {
      throw new RegctlError('REGCTL_NOT_FOUND', `${shown}: no such file or directory in ${opts.where}${outcome.why ? ` (${outcome.why})` : ''}`);
    }
    wanted = outcome.path;
    if (wanted === '') throw new RegctlError('REGCTL_UNSUPPORTED', `${shown} in ${opts.where} is a directory`);
  }
}
