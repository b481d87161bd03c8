// oras's status lines for artifact transfers (cmd/oras/internal/display/status, text mode), from
// the engine's events: `Uploaded  a948904f2f0f hi.txt` once a blob is sent, `Exists    ...` when
// the registry had it, `Downloaded  ...` once a file is verified; the name is the file's title,
// else the media type. Registry text is escaped before it reaches the terminal.
import { shortId } from '../oci/digest.js';
import type { Descriptor, ImageManifest } from '../oci/manifest.js';
import type { ProgressListener, TransferEvent } from '../ops/transfer.js';
import { ANNOTATION_TITLE } from '../oci/artifact-manifest.js';
import type { CliContext } from './context.js';
import { escapeControls } from './terminal-text.js';

/** The name oras shows for a blob: its title, else its media type. */
function names(descriptors: readonly Descriptor[]): Map<string, string> {
  const byDigest = new Map<string, string>();
  for (const d of descriptors) {
    const name = d.annotations?.[ANNOTATION_TITLE] ?? d.mediaType;
    const before = byDigest.get(d.digest);
    byDigest.set(d.digest, before === undefined || before.split(', ').includes(name) ? (before ?? name) : `${before}, ${name}`);
  }
  return byDigest;
}

export interface StatusLines {
  /** For the op's onManifest: the blobs to name. */
  onManifest(manifest: ImageManifest): void;
  onProgress: ProgressListener<TransferEvent>;
}

export function statusLines(ctx: CliContext, direction: 'push' | 'pull'): StatusLines {
  let known = new Map<string, string>();
  const line = (status: string, digest: string, name: string) => ctx.out(`${status} ${shortId(digest)} ${escapeControls(name)}`);
  const onManifest = (manifest: ImageManifest) => {
    known = names([manifest.config, ...manifest.layers]);
  };
  const onProgress: ProgressListener<TransferEvent> = (event) => {
    if (event.type === 'blob') {
      const name = known.get(event.digest) ?? event.digest;
      if (event.state === 'done') line(direction === 'push' ? 'Uploaded ' : 'Downloaded ', event.digest, name);
      else if (event.state === 'exists') line('Exists   ', event.digest, name);
      else if (event.state === 'mounted') line('Mounted  ', event.digest, name);
    } else if (event.type === 'manifest' && direction === 'push') line('Uploaded ', event.digest, event.mediaType);
  };
  return { onManifest, onProgress };
}
