// docker's retry countdown start ("Retrying in N seconds") on the plain and TTY pull renderers.
import { describe, expect, it } from 'vitest';
import { pullRenderer, pullStatusText } from '../../../../src/cli/progress/pull-renderer.js';
import type { PullEvent } from '../../../../src/cli/progress/pull-words.js';

const retrying = (delayMs: number): Extract<PullEvent, { type: 'layer' }> => ({ type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Retrying', offset: 10, delayMs });

describe('pull Retrying status', () => {
  it('rounds the wait up to whole seconds, singular for one', () => {
    expect(pullStatusText(retrying(150))).toBe('Retrying in 1 second');
    expect(pullStatusText(retrying(4200))).toBe('Retrying in 5 seconds');
  });

  it('is printed by the plain and the tty renderers', () => {
    for (const mode of ['plain', 'tty'] as const) {
      let text = '';
      const render = pullRenderer(mode, { write: (s: string | Uint8Array) => ((text += s.toString()), true), isTTY: mode === 'tty', columns: 80 });
      render({ type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Pulling fs layer' });
      render(retrying(2000));
      expect(text, mode).toContain('aaaaaaaaaaaa: Retrying in 2 seconds\n');
    }
  });
});
