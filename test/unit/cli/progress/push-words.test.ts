// pushEventsOf: the engine's neutral events as docker push's (what `regctl push` and `regctl copy`
// print): each blob state's word, 'Mounted from' with its repository, the destination's names on
// 'pushing' and 'done', no configs; and the exact JSON `--progress json` prints.
import { describe, expect, it } from 'vitest';
import { pushRenderer } from '../../../../src/cli/progress/push-renderer.js';
import { pushEventsOf, type PushEvent } from '../../../../src/cli/progress/push-words.js';
import type { BlobState, TransferEvent } from '../../../../src/ops/transfer.js';

const A = `sha256:${'a'.repeat(64)}`;
const CONFIG = `sha256:${'f'.repeat(64)}`;
const IMAGE = `sha256:${'2'.repeat(64)}`;
const target = { ref: 'registry.test/team/app:v1', repository: 'registry.test/team/app', tag: 'v1' };

const blob = (digest: string, state: BlobState, extra: Partial<Extract<TransferEvent, { type: 'blob' }>> = {}): TransferEvent => ({
  type: 'blob',
  digest,
  size: 100,
  layerId: digest === CONFIG ? undefined : 'diffid000001',
  state,
  ...extra,
});

function words(events: TransferEvent[]): PushEvent[] {
  const out: PushEvent[] = [];
  const listener = pushEventsOf((e) => out.push(e), target);
  events.forEach(listener);
  return out;
}

describe('pushEventsOf', () => {
  it("names the destination on 'start' and 'done', with the engine's digest and size", () => {
    expect(
      words([
        { type: 'start', source: 'team/app:v1', destination: 'registry.test/team/app:v1' },
        { type: 'resolved', digest: IMAGE, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
        { type: 'manifest', name: 'registry.test/team/app:v1', digest: IMAGE, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 500 },
        { type: 'done', digest: IMAGE, size: 500, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
      ]),
    ).toEqual([
      { type: 'pushing', ...target },
      { type: 'manifest', ref: 'registry.test/team/app:v1', digest: IMAGE, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 500 },
      { type: 'done', ref: target.ref, tag: 'v1', digest: IMAGE, size: 500 },
    ]);
  });

  it('words every blob state of a layer as docker push does, by its layer ID', () => {
    expect(
      words([
        blob(A, 'queued'),
        blob(A, 'waiting'),
        blob(A, 'transferring', { current: 60 }),
        blob(A, 'retrying', { offset: 60, delayMs: 2000, reason: 'connection reset' }),
        blob(A, 'done'),
        blob(A, 'exists'),
        blob(A, 'mounted', { from: 'library/busybox' }),
      ]),
    ).toEqual([
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Preparing' },
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Waiting' },
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Pushing', current: 60, total: 100 },
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Retrying', offset: 60, delayMs: 2000, reason: 'connection reset' },
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Pushed' },
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Layer already exists' },
      { type: 'layer', id: 'diffid000001', digest: A, status: 'Mounted from', from: 'library/busybox' },
    ]);
  });

  it('shows no config (docker does not)', () => {
    expect(words([blob(CONFIG, 'queued'), blob(CONFIG, 'transferring', { current: 100 }), blob(CONFIG, 'done')])).toEqual([]);
  });

  it('prints the same lines and JSON as before the words moved to the CLI', () => {
    let plain = '';
    let json = '';
    const sink = (into: (s: string) => void) => ({ write: (s: string | Uint8Array) => (into(s.toString()), true), isTTY: false });
    const listeners = [
      pushEventsOf(pushRenderer('plain', sink((s) => (plain += s))), target),
      pushEventsOf(pushRenderer('json', sink((s) => (json += s))), target),
    ];
    const events: TransferEvent[] = [
      { type: 'start', source: 'team/app:v1', destination: 'registry.test/team/app:v1' },
      blob(CONFIG, 'queued'),
      blob(A, 'queued'),
      blob(A, 'mounted', { from: 'library/busybox' }),
      { type: 'done', digest: IMAGE, size: 500, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
    ];
    for (const e of events) listeners.forEach((l) => l(e));
    expect(plain).toBe('diffid000001: Preparing\ndiffid000001: Mounted from library/busybox\n');
    expect(json).toBe(
      [
        '{"type":"pushing","ref":"registry.test/team/app:v1","repository":"registry.test/team/app","tag":"v1"}',
        `{"type":"layer","id":"diffid000001","digest":"${A}","status":"Preparing"}`,
        `{"type":"layer","id":"diffid000001","digest":"${A}","status":"Mounted from","from":"library/busybox"}`,
        `{"type":"done","ref":"registry.test/team/app:v1","tag":"v1","digest":"${IMAGE}","size":500}`,
        '',
      ].join('\n'),
    );
  });
});
