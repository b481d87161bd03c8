import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../src/cli/progress/layer-board.js';
import { resolveProgressMode } from '../../../src/cli/progress/progress-mode.js';
import { pullRenderer } from '../../../src/cli/progress/pull-renderer.js';
import type { PullEvent } from '../../../src/cli/progress/pull-words.js';

function capture(columns = 120) {
  let text = '';
  return { out: { write: (s: string | Uint8Array) => ((text += s.toString()), true), isTTY: true, columns }, text: () => text };
}

const events: PullEvent[] = [
  { type: 'pulling', ref: 'docker.io/library/busybox:latest', repository: 'library/busybox', tag: 'latest', tagDefaulted: true },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Pulling fs layer' },
  { type: 'layer', id: 'bbbbbbbbbbbb', digest: 'sha256:b', status: 'Pulling fs layer' },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Downloading', current: 1_050_000, total: 2_150_000 },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Download complete' },
  { type: 'done', ref: 'docker.io/library/busybox:latest', digest: 'sha256:x', upToDate: false },
];

describe('pull progress rendering', () => {
  it('plain: docker non-TTY lines, byte progress dropped', () => {
    const c = capture();
    const render = pullRenderer('plain', c.out);
    events.forEach(render);
    expect(c.text()).toBe('latest: Pulling from library/busybox\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Pulling fs layer\naaaaaaaaaaaa: Download complete\n');
  });

  it('tty: one line per layer, updated in place with cursor movement and a bar', () => {
    const c = capture(120);
    const render = pullRenderer('tty', c.out);
    events.forEach(render);
    const text = c.text();
    // The first layer sits two lines above the cursor: move up 2, erase, rewrite, move back down 1.
    expect(text).toContain(`\u001b[2A\u001b[2K\raaaaaaaaaaaa: Downloading [${'='.repeat(24)}>${' '.repeat(25)}]`); // 48%: 24 of 50
    expect(text).toContain('1.05MB/2.15MB');
    expect(text).toContain('\u001b[2A\u001b[2K\raaaaaaaaaaaa: Download complete\n\u001b[1B');
  });

  it('json: one event object per line', () => {
    const c = capture();
    const render = pullRenderer('json', c.out);
    events.forEach(render);
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l) as PullEvent);
    expect(lines).toEqual(events);
  });

  it('bars only on terminals wider than 110 columns', () => {
    expect(progressBar(50, 100, 120)).toMatch(/^\[=+>\s+\]\s+50B\/100B$/);
    expect(progressBar(50, 100, 80)).toBe('     50B/100B');
  });

  it('resolves --progress against the terminal and rejects unknown modes', () => {
    expect(resolveProgressMode('auto', false, { write: () => true, isTTY: true })).toBe('tty');
    expect(resolveProgressMode(undefined, false, { write: () => true })).toBe('plain');
    expect(resolveProgressMode('json', true, { write: () => true })).toBe('quiet');
    expect(() => resolveProgressMode('fancy', false, { write: () => true })).toThrow('invalid --progress value "fancy"');
  });
});

describe('TransferMeter', () => {
  it('shows speed and ETA once half a second of data exists', async () => {
    const { TransferMeter } = await import('../../../src/cli/progress/layer-board.js');
    let now = 1_000;
    const meter = new TransferMeter(() => now);
    expect(meter.text('a', 0, 4_000_000)).toBe('');
    now += 200;
    expect(meter.text('a', 200_000, 4_000_000)).toBe('');
    now += 800; // 1 s after the first event, 1 MB in
    expect(meter.text('a', 1_000_000, 4_000_000)).toBe(' 1MB/s 3s');
    now += 3_000;
    expect(meter.text('a', 4_000_000, 4_000_000)).toBe(' 1MB/s');
  });
});
