// Pull an image into a local store, then list the tags of its repository.
//
//   REGISTRY=127.0.0.1:5000 IMAGE=demo/hello:v1 STORE=/tmp/regctl-store node examples/pull-and-list-tags.mjs
//
// REGISTRY defaults to docker.io, IMAGE to library/busybox:latest, STORE to regctl's default store.
// Credentials come from config.json and its helpers, as for the regctl CLI.
import { RegistryClient, isRegctlError } from 'regctl-cli';

const registry = process.env.REGISTRY ?? 'docker.io';
const image = process.env.IMAGE ?? 'library/busybox:latest';
const client = new RegistryClient({ ...(process.env.STORE ? { storeDir: process.env.STORE } : {}) });

try {
  const ref = RegistryClient.parseReference(`${registry}/${image}`);
  const pulled = await client.pull(ref, {
    signal: AbortSignal.timeout(5 * 60_000),
    onProgress: (event) => {
      // Neutral events: what happened to which blob (configs have no layerId). The CLI words
      // the same events as docker's lines, bars or --progress json; here, two of docker's words.
      if (event.type === 'blob' && event.layerId && (event.state === 'done' || event.state === 'exists')) {
        console.log(`${event.layerId}: ${event.state === 'done' ? 'Pull complete' : 'Already exists'}`);
      }
    },
  });
  console.log(`Pulled ${pulled.name}`);
  console.log(`Digest: ${pulled.digest}`);
  console.log(`Downloaded: ${pulled.bytesDownloaded} bytes`);

  const tags = await client.listTags(ref);
  console.log(`Tags of ${ref.name()}: ${tags.join(' ')}`);
} catch (err) {
  // Every library error has a stable code (REGCTL_NOT_FOUND, REGCTL_UNAUTHORIZED, ...).
  console.error(isRegctlError(err) ? `${err.code}: ${err.message}` : err);
  process.exitCode = 1;
} finally {
  await client.close();
}
