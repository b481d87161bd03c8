import { describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  sleep,
  withRetry,
  type RetryInfo,
} from '../../../src/transport/retry.js';

const NOW = Date.parse('2015-10-21T07:28:00Z');

describe('parseRetryAfter', () => {
  it.each<[string, string | null | undefined, number | undefined]>([
    ['delta-seconds', '120', 120_000],
    ['zero', '0', 0],
    ['surrounding whitespace', '  5 ', 5_000],
    ['fractional seconds (lenient)', '1.5', 1_500],
    ['IMF-fixdate in the future', 'Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['IMF-fixdate in the past clamps to 0', 'Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['obsolete RFC 850 date', 'Wednesday, 21-Oct-15 07:29:00 GMT', 60_000],
    ['asctime date (means GMT)', 'Wed Oct 21 07:28:10 2015', 10_000],
    ['negative', '-5', undefined],
    ['garbage', 'soon', undefined],
    ['lenient Date.parse input is rejected', 'foo 1', undefined],
    ['empty', '', undefined],
    ['null', null, undefined],
    ['undefined', undefined, undefined],
  ])('%s: %j', (_name, value, want) => {
    expect(parseRetryAfter(value, NOW)).toBe(want);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to maxMs (random at its top)', () => {
    const top = () => 0.999999;
    const delays = [1, 2, 3, 4, 10].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1_000, random: top }));
    expect(delays).toEqual([99, 199, 399, 799, 999]);
  });

  it('is fully jittered: random 0 gives 0, 0.5 gives half the ceiling', () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(400); // default base 200 -> ceiling 800
  });

  it('defaults to 200 ms base and a 10 s ceiling', () => {
    expect(backoffDelay(1, { random: () => 0.999999 })).toBe(199);
    expect(backoffDelay(50, { random: () => 0.999999 })).toBe(9_999);
  });

  it('treats attempts below 1 as 1', () => {
    expect(backoffDelay(0, { random: () => 0.5 })).toBe(100);
    expect(backoffDelay(-3, { random: () => 0.5 })).toBe(100);
  });
});

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504])('%i is retryable', (s) => expect(isRetryableStatus(s)).toBe(true));
  it.each([200, 400, 401, 403, 404, 405, 409, 501, 505])('%i is not', (s) => expect(isRetryableStatus(s)).toBe(false));
});

function codeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('isRetryableNetworkError', () => {
  it.each([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'ERR_HTTP_HEADERS_TIMEOUT',
    'ERR_HTTP_BODY_TIMEOUT',
  ])('%s is retryable', (code) => {
    expect(isRetryableNetworkError(codeError(code))).toBe(true);
  });

  it.each(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UND_ERR_ABORTED', 'REGCTL_NOT_FOUND'])(
    '%s is not',
    (code) => {
      expect(isRetryableNetworkError(codeError(code))).toBe(false);
    },
  );

  it('looks through fetch\'s "fetch failed" wrapper', () => {
    const err = new TypeError('fetch failed', { cause: codeError('ECONNRESET') });
    expect(isRetryableNetworkError(err)).toBe(true);
  });

  it('looks inside an AggregateError (happy eyeballs)', () => {
    const err = new AggregateError([codeError('ENETUNREACH'), codeError('ECONNREFUSED')], 'connect failed');
    expect(isRetryableNetworkError(err)).toBe(true);
  });

  it('retries a per-request timeout (TimeoutError) but never an abort', () => {
    expect(isRetryableNetworkError(new DOMException('timed out', 'TimeoutError'))).toBe(true);
    expect(isRetryableNetworkError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isRetryableNetworkError(new TypeError('fetch failed', { cause: new DOMException('x', 'AbortError') }))).toBe(
      false,
    );
  });

  it('handles non-errors and cause cycles', () => {
    expect(isRetryableNetworkError(undefined)).toBe(false);
    expect(isRetryableNetworkError('ECONNRESET')).toBe(false);
    const a: { code?: string; cause?: unknown } = {};
    a.cause = a;
    expect(isRetryableNetworkError(a)).toBe(false);
  });
});

const noSleep = vi.fn(async () => {});

describe('withRetry', () => {
  it('returns the first success without retrying', async () => {
    const fn = vi.fn(async (attempt: number) => `ok ${attempt}`);
    await expect(withRetry(fn, { shouldRetry: () => ({ retry: true }), sleep: noSleep })).resolves.toBe('ok 1');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('retries until success, passing the attempt number and reporting each retry', async () => {
    const infos: RetryInfo[] = [];
    const sleeps: number[] = [];
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw codeError('ECONNRESET', 'socket hang up');
      return attempt;
    });
    const result = await withRetry(fn, {
      shouldRetry: (err) => ({ retry: isRetryableNetworkError(err) }),
      onRetry: (i) => infos.push(i),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    });
    expect(result).toBe(3);
    expect(infos.map((i) => [i.attempt, i.delayMs, i.reason])).toEqual([
      [1, 100, 'ECONNRESET: socket hang up'],
      [2, 200, 'ECONNRESET: socket hang up'],
    ]);
    expect(sleeps).toEqual([100, 200]);
  });

  it('stops after `attempts` and rethrows the last error unchanged', async () => {
    let n = 0;
    const fn = vi.fn(async () => {
      throw codeError('ECONNRESET', `failure ${++n}`);
    });
    await expect(withRetry(fn, { attempts: 3, shouldRetry: () => ({ retry: true }), sleep: noSleep })).rejects.toThrow(
      'failure 3',
    );
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('defaults to 4 attempts', async () => {
    const fn = vi.fn(async () => {
      throw new Error('x');
    });
    await expect(withRetry(fn, { shouldRetry: () => ({ retry: true }), sleep: noSleep })).rejects.toThrow('x');
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it('does not retry what shouldRetry declines', async () => {
    const fn = vi.fn(async () => {
      throw codeError('ENOTFOUND');
    });
    await expect(
      withRetry(fn, { shouldRetry: (e) => ({ retry: isRetryableNetworkError(e) }), sleep: noSleep }),
    ).rejects.toThrow('ENOTFOUND');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('waits the server-requested delay (Retry-After) instead of backoff', async () => {
    const sleeps: number[] = [];
    let first = true;
    const fn = async () => {
      if (first) {
        first = false;
        throw new Error('429');
      }
      return 'ok';
    };
    await withRetry(fn, {
      shouldRetry: () => ({ retry: true, delayMs: 7_000 }),
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(sleeps).toEqual([7_000]);
  });

  it('gives up at once when Retry-After exceeds the cap, instead of a pointless wait', async () => {
    const fn = vi.fn(async () => {
      throw new Error('rate limited');
    });
    const sleepSpy = vi.fn(async () => {});
    await expect(
      withRetry(fn, { shouldRetry: () => ({ retry: true, delayMs: 6 * 3600_000 }), sleep: sleepSpy }),
    ).rejects.toThrow('rate limited');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleepSpy).not.toHaveBeenCalled();
  });

  it('accepts a Retry-After up to maxRetryAfterMs', async () => {
    const sleeps: number[] = [];
    const fn = vi.fn(async (a: number) => {
      if (a === 1) throw new Error('x');
      return a;
    });
    await withRetry(fn, {
      maxRetryAfterMs: 90_000,
      shouldRetry: () => ({ retry: true, delayMs: 90_000 }),
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(sleeps).toEqual([90_000]);
  });

  it('throws REGCTL_ABORTED without calling fn when already aborted', async () => {
    const fn = vi.fn(async () => 1);
    const ac = new AbortController();
    ac.abort();
    await expect(withRetry(fn, { signal: ac.signal, shouldRetry: () => ({ retry: true }) })).rejects.toMatchObject({
      code: 'REGCTL_ABORTED',
    });
    expect(fn).not.toHaveBeenCalled();
  });

  it('turns an abort during the call into REGCTL_ABORTED (no retry)', async () => {
    const ac = new AbortController();
    const fn = vi.fn(async () => {
      ac.abort();
      throw new DOMException('aborted', 'AbortError');
    });
    await expect(withRetry(fn, { signal: ac.signal, shouldRetry: () => ({ retry: true }) })).rejects.toMatchObject({
      code: 'REGCTL_ABORTED',
    });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops promptly when aborted during the backoff wait (real timer)', async () => {
    const ac = new AbortController();
    const fn = vi.fn(async () => {
      throw codeError('ECONNRESET');
    });
    const started = Date.now();
    const p = withRetry(fn, { signal: ac.signal, shouldRetry: () => ({ retry: true, delayMs: 30_000 }) });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('checks the signal after a custom sleep that ignores it', async () => {
    const ac = new AbortController();
    const fn = vi.fn(async () => {
      throw codeError('ECONNRESET');
    });
    await expect(
      withRetry(fn, { signal: ac.signal, shouldRetry: () => ({ retry: true }), sleep: async () => ac.abort() }),
    ).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects immediately with REGCTL_ABORTED when already aborted', async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
  });
});
