// After a push, the pushed name's repository knows the image by the digest the registry
// acknowledged: docker then lists REPO@DIGEST in RepoDigests (inspect, images --digests).
import type { Reference } from '../reference/parse.js';
import { RESOLVED_DIGEST_ANNOTATION } from '../store/layout/image-names.js';
import type { LayoutStore } from '../store/layout/layout-store.js';

/** Records `digest` as the repository digest of the local entry named `ref` (kept if unchanged). */
export async function recordPushedDigest(store: LayoutStore, ref: Reference, digest: string): Promise<void> {
  const name = ref.toString();
  const stored = await store.getImage(name);
  if (!stored || stored.descriptor.annotations?.[RESOLVED_DIGEST_ANNOTATION] === digest) return;
  const annotations = { ...(stored.descriptor.annotations ?? {}), [RESOLVED_DIGEST_ANNOTATION]: digest };
  await store.putImage(name, { ...stored.descriptor, annotations });
}
