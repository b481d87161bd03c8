// Typed progress events of `push` (see progress.ts for the pull side). The CLI renders them as
// docker's lines, TTY bars or JSON; the library only emits them.

/** docker's per-layer push statuses, spelled as docker prints them ('Mounted from' is followed by `from`). */
export type PushLayerStatus = 'Preparing' | 'Waiting' | 'Pushing' | 'Pushed' | 'Layer already exists' | 'Mounted from' | 'Retrying';

export type PushEvent =
  /** One per tag pushed, before its layers. `repository` is the full name (docker.io/user/app). */
  | { type: 'pushing'; ref: string; repository: string; tag: string }
  | {
      type: 'layer';
      /** docker's layer ID: the first 12 hex of the layer's diff ID (uncompressed), else of its digest. */
      id: string;
      digest: string;
      status: PushLayerStatus;
      current?: number;
      total?: number;
      /** 'Mounted from': the source repository path. */
      from?: string;
      /** 'Retrying': where the upload continues and why. */
      offset?: number;
      delayMs?: number;
      reason?: string;
    }
  /** A manifest (platform child, or the tagged manifest/index) was stored by the registry. */
  | { type: 'manifest'; ref: string; digest: string; mediaType: string; size: number }
  | { type: 'done'; ref: string; tag: string; digest: string; size: number };
