// pullEventsOf: the engine's neutral events as docker pull's, in docker's order ('Pull complete'
// in layer order, whatever order the layers arrive in), with the resolved digest and upToDate on
// 'done'; and through the plain renderer, docker's exact lines.
import { describe, expect, it } from 'vitest';
import { pullRenderer } from '../../../../src/cli/progress/pull-renderer.js';
import { pullEventsOf, type PullEvent } from '../../../../src/cli/progress/pull-words.js';
import type { BlobState, TransferEvent } from '../../../../src/ops/transfer.js';
import { parseReference } from '../../../../src/reference/parse.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const CONFIG = `sha256:${'f'.repeat(64)}`;
const INDEX = `sha256:${'1'.repeat(64)}`;
const IMAGE = `sha256:${'2'.repeat(64)}`;
const id = (digest: string) => digest.slice(7, 19);

const blob = (digest: string, state: BlobState, extra: Partial<Extract<TransferEvent, { type: 'blob' }>> = {}): TransferEvent => ({
  type: 'blob',
  digest,
  size: 100,
  layerId: digest === CONFIG ? undefined : id(digest),
  state,
  ...extra,
});

function words(ref: string, events: TransferEvent[]): PullEvent[] {
  const out: PullEvent[] = [];
  const listener = pullEventsOf((e) => out.push(e), parseReference(ref));
  events.forEach(listener);
  return out;
}

const statuses = (events: PullEvent[]) => events.flatMap((e) => (e.type === 'layer' ? [`${e.id}: ${e.status}`] : []));

describe('pullEventsOf', () => {
  it("names the pull on 'start' and the resolved manifest with the reference", () => {
    const events = words('registry.test/demo/app', [
      { type: 'start', source: 'registry.test/demo/app:latest', destination: 'registry.test/demo/app:latest' },
      { type: 'resolved', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json', platform: 'linux/amd64' },
    ]);
    expect(events).toEqual([
      { type: 'pulling', ref: 'registry.test/demo/app:latest', repository: 'demo/app', tag: 'latest', tagDefaulted: true },
      { type: 'resolved', ref: 'registry.test/demo/app:latest', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json', platform: 'linux/amd64' },
    ]);
  });

  it("says 'Pull complete' in layer order, each once every layer below it has arrived", () => {
    const events = words('registry.test/demo/app:v1', [
      blob(CONFIG, 'queued'),
      blob(A, 'queued'),
      blob(B, 'queued'),
      blob(C, 'queued'),
      blob(CONFIG, 'done'),
      blob(C, 'done'),
      blob(B, 'done'),
      blob(A, 'done'),
    ]);
    expect(statuses(events)).toEqual([
      `${id(A)}: Pulling fs layer`,
      `${id(B)}: Pulling fs layer`,
      `${id(C)}: Pulling fs layer`,
      `${id(C)}: Verifying Checksum`,
      `${id(C)}: Download complete`,
      `${id(B)}: Verifying Checksum`,
      `${id(B)}: Download complete`,
      `${id(A)}: Verifying Checksum`,
      `${id(A)}: Download complete`,
      `${id(A)}: Pull complete`,
      `${id(B)}: Pull complete`,
      `${id(C)}: Pull complete`,
    ]);
  });

  it("words the other states: 'Already exists' (not waited for), 'Waiting', 'Downloading' with bytes, 'Retrying' with its delay", () => {
    const events = words('registry.test/demo/app:v1', [
      blob(A, 'exists'),
      blob(B, 'queued'),
      blob(B, 'waiting'),
      blob(B, 'transferring', { current: 40 }),
      blob(B, 'retrying', { offset: 40, delayMs: 1500, reason: 'connection reset' }),
      blob(B, 'done'),
    ]);
    expect(events).toEqual([
      { type: 'layer', id: id(A), digest: A, status: 'Already exists' },
      { type: 'layer', id: id(B), digest: B, status: 'Pulling fs layer' },
      { type: 'layer', id: id(B), digest: B, status: 'Waiting' },
      { type: 'layer', id: id(B), digest: B, status: 'Downloading', current: 40, total: 100 },
      { type: 'layer', id: id(B), digest: B, status: 'Retrying', offset: 40, delayMs: 1500, reason: 'connection reset' },
      { type: 'layer', id: id(B), digest: B, status: 'Verifying Checksum' },
      { type: 'layer', id: id(B), digest: B, status: 'Download complete' },
      { type: 'layer', id: id(B), digest: B, status: 'Pull complete' },
    ]);
  });

  it('shows no config, and no manifest', () => {
    const events = words('registry.test/demo/app:v1', [
      blob(CONFIG, 'queued'),
      blob(CONFIG, 'transferring', { current: 100 }),
      blob(CONFIG, 'done'),
      { type: 'manifest', name: 'registry.test/demo/app:v1', digest: IMAGE, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 500 },
    ]);
    expect(events).toEqual([]);
  });

  it("reports on 'done' the digest the reference resolved to, and upToDate from the engine's unchanged", () => {
    const done = (unchanged?: boolean) =>
      words('registry.test/demo/app:v1', [
        { type: 'resolved', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json' },
        { type: 'done', digest: IMAGE, size: 500, mediaType: 'application/vnd.oci.image.manifest.v1+json', ...(unchanged === undefined ? {} : { unchanged }) },
      ]).at(-1);
    expect(done(true)).toEqual({ type: 'done', ref: 'registry.test/demo/app:v1', digest: INDEX, upToDate: true });
    expect(done(false)).toEqual({ type: 'done', ref: 'registry.test/demo/app:v1', digest: INDEX, upToDate: false });
    expect(done()).toEqual({ type: 'done', ref: 'registry.test/demo/app:v1', digest: INDEX, upToDate: false });
  });

  it('keeps a digest reference in the header, as docker does, through the plain renderer', () => {
    let text = '';
    const render = pullRenderer('plain', { write: (s: string | Uint8Array) => ((text += s.toString()), true), isTTY: false });
    const listener = pullEventsOf(render, parseReference(`registry.test/demo/app@${INDEX}`));
    const events: TransferEvent[] = [
      { type: 'start', source: `registry.test/demo/app@${INDEX}`, destination: `registry.test/demo/app@${INDEX}` },
      { type: 'resolved', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json' },
      blob(A, 'exists'),
      blob(B, 'queued'),
      blob(B, 'transferring', { current: 50 }),
      blob(B, 'done'),
      { type: 'done', digest: IMAGE, size: 500, mediaType: 'application/vnd.oci.image.manifest.v1+json', unchanged: false },
    ];
    events.forEach(listener);
    expect(text).toBe(
      [
        `${INDEX}: Pulling from demo/app`,
        `${id(A)}: Already exists`,
        `${id(B)}: Pulling fs layer`,
        `${id(B)}: Verifying Checksum`,
        `${id(B)}: Download complete`,
        `${id(B)}: Pull complete`,
        '',
      ].join('\n'),
    );
  });
});
