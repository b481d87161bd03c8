// nock in front of the default HTTP stack (node:http) for the hosts that cannot run here (Docker
// Hub's). Per test: real connections are refused, and every request that matched no interceptor
// is recorded, because nock answers it with a network error that a test expecting a network
// error would otherwise accept for the wrong reason.
import nock from 'nock';
import { afterEach, beforeEach, expect } from 'vitest';

type NoMatch = { method?: string; host?: string; hostname?: string; path?: string };

export interface NockedNetwork {
  /** Requests that matched no interceptor in the current test. */
  unmatched(): string[];
  /** Every interceptor was used and nothing else was requested. */
  expectExactlyTheMockedCalls(): void;
}

/** Registers the beforeEach/afterEach hooks of the calling test file. */
export function useNockedNetwork(): NockedNetwork {
  let unmatched: string[] = [];
  const record = (req: NoMatch, options?: NoMatch) => {
    const o = options ?? req;
    unmatched.push(`${o.method} ${o.hostname ?? o.host ?? ''}${o.path}`);
  };
  beforeEach(() => {
    unmatched = [];
    nock.disableNetConnect();
    nock.emitter.on('no match', record);
  });
  afterEach(() => {
    nock.emitter.off('no match', record);
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return {
    unmatched: () => unmatched,
    expectExactlyTheMockedCalls: () => {
      expect(nock.pendingMocks()).toEqual([]);
      expect(unmatched).toEqual([]);
    },
  };
}
