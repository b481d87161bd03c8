// The digest each tag points at, by HEAD (no pull counted on Docker Hub), a few at a time.
import { parseReference, type Repository } from '../reference/parse.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import { mapLimit } from '../util/concurrency.js';
import { manifestDigest } from './manifest-digest.js';

export async function tagDigests(
  remote: RemoteRegistry,
  repo: Repository,
  tags: readonly string[],
  opts: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<Map<string, string>> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const digests = await mapLimit(tags, opts.concurrency ?? 4, async (tag) => {
    return (await manifestDigest(remote, parseReference(`${repo.name()}:${tag}`), signal)).digest;
  });
  return new Map(tags.map((t, i) => [t, digests[i] ?? '']));
}
