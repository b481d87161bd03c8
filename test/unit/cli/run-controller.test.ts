import { describe, expect, it } from 'vitest';
import { runController } from '../../../src/cli/run-controller.js';

describe('runController', () => {
  it('lets a run have many listeners on its signal without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const { signal } = runController();
      for (let i = 0; i < 50; i++) signal.addEventListener('abort', () => undefined);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).toEqual([]);
      const plain = new AbortController().signal; // the control: Node warns for a bare signal
      for (let i = 0; i < 11; i++) plain.addEventListener('abort', () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual(['MaxListenersExceededWarning']);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
