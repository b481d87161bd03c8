// Pull an image, tag it under another repository of the same registry and push it there,
// printing docker-style progress. Layers the registry already holds elsewhere are mounted.
//
//   REGISTRY=127.0.0.1:5000 SOURCE=demo/hello:v1 TARGET=examples/hello:copy STORE=/tmp/regctl-store \
//     node examples/push-with-progress.mjs
//
// For a registry that needs a login: REGISTRY_USER and REGISTRY_PASSWORD (else config.json is used).
import { RegistryClient } from 'regctl-cli';

const registry = process.env.REGISTRY ?? 'localhost:5000';
const source = `${registry}/${process.env.SOURCE ?? 'demo/hello:v1'}`;
const target = `${registry}/${process.env.TARGET ?? 'examples/hello:copy'}`;
const login = process.env.REGISTRY_USER ? { username: process.env.REGISTRY_USER, password: process.env.REGISTRY_PASSWORD ?? '' } : undefined;

const client = new RegistryClient({
  ...(process.env.STORE ? { storeDir: process.env.STORE } : {}),
  ...(login ? { credentials: async () => login } : {}),
});

// docker push's word for each neutral blob state ('transferring' carries byte counts instead).
const PUSH_WORDS = { queued: 'Preparing', waiting: 'Waiting', done: 'Pushed', exists: 'Layer already exists', mounted: 'Mounted from', retrying: 'Retrying' };

const controller = new AbortController();
process.once('SIGINT', () => controller.abort()); // Ctrl-C cancels the transfers cleanly

try {
  await client.pull(source, { signal: controller.signal });
  await client.tag(source, target);
  const result = await client.push(target, {
    signal: controller.signal,
    onProgress: (event) => {
      if (event.type === 'start') console.log(`The push refers to repository [${RegistryClient.parseReference(target).name()}]`);
      // Configs have no layerId (docker does not show them); byte counts: a progress bar would use them.
      if (event.type !== 'blob' || !event.layerId || event.state === 'transferring') return;
      console.log(`${event.layerId}: ${PUSH_WORDS[event.state]}${event.from ? ` ${event.from}` : ''}`);
    },
  });
  console.log(`${result.tag}: digest: ${result.digest} size: ${result.size}`);
  console.log(`pushed ${result.pushed}, mounted ${result.mounted}, already there ${result.existed}`);
} finally {
  await client.close();
}
