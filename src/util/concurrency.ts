// Runs `fn` over items with at most `limit` in flight; the first failure aborts the rest
// (already-running calls finish) and is rethrown.
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.err;
  return results;
}

/**
 * How many files a walk over store entries opens at once. A store can hold thousands of names
 * (one `pull -a` of a big repository), and one open per entry at once hits the usual
 * `ulimit -n 1024` (EMFILE); 16 keeps the disk busy and leaves room for everything else.
 */
export const FILE_CONCURRENCY = 16;
