// Typed progress events of long operations. The library only emits them; the CLI's plain
// lines, TTY bars and `--progress json` are renderers of these same events.

/** docker's per-layer statuses, spelled as docker prints them. */
export type LayerStatus =
  | 'Pulling fs layer'
  | 'Waiting'
  | 'Downloading'
  | 'Verifying Checksum'
  | 'Download complete'
  | 'Pull complete'
  | 'Already exists'
  | 'Retrying';

export type PullEvent =
  | { type: 'pulling'; ref: string; repository: string; tag: string | undefined; tagDefaulted: boolean }
  | { type: 'resolved'; ref: string; digest: string; mediaType: string; platform?: string }
  | {
      type: 'layer';
      id: string;
      digest: string;
      status: LayerStatus;
      current?: number;
      total?: number;
      /** 'Retrying': the bytes kept (the next request asks for the rest), the wait and why. */
      offset?: number;
      delayMs?: number;
      reason?: string;
    }
  | { type: 'done'; ref: string; digest: string; upToDate: boolean };

export type ProgressListener<E> = (event: E) => void;
