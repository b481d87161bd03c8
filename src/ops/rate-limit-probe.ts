// `ratelimit [REF]`: Docker Hub's pull quota for the current credentials, read from the
// headers of a manifest HEAD (which spends nothing). Docker documents the probe image
// `ratelimitpreview/test`; any reference works, on any registry that sends the headers.
import type { Reference } from '../reference/parse.js';
import { headManifest } from '../store/remote/manifest.js';
import type { RemoteRegistry } from '../store/remote/remote-registry.js';
import type { RateLimit } from '../transport/rate-limit.js';

export const RATE_LIMIT_PROBE = 'ratelimitpreview/test:latest';

/** The quota headers of a HEAD of `ref`; undefined when the registry sends none. */
export async function probeRateLimit(remote: RemoteRegistry, ref: Reference, opts: { signal?: AbortSignal } = {}): Promise<RateLimit | undefined> {
  return (await headManifest(remote, ref, opts)).rateLimit;
}
