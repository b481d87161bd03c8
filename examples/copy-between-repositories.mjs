// Copy one image manifest and its blobs between two repositories with the low-level API:
// HEAD each blob at the destination, mount it when both are on one registry, else stream it
// across; then PUT the exact manifest bytes (so the digest does not change).
//
//   SOURCE=127.0.0.1:5000/demo/hello:v1 TARGET=127.0.0.1:5000/examples/copied:v1 node examples/copy-between-repositories.mjs
//
// (`regctl copy` does this for whole indexes too; this shows the building blocks.)
import { RegistryClient, digestOf } from 'regctl-cli';

const source = RegistryClient.parseReference(process.env.SOURCE ?? 'docker.io/library/busybox:latest');
const target = RegistryClient.parseReference(process.env.TARGET ?? 'localhost:5000/library/busybox:latest');
const client = new RegistryClient();

try {
  const manifest = await client.getManifest(source);
  const json = JSON.parse(manifest.bytes.toString('utf8'));
  if (!json.config) throw new Error(`${source} is an index; this example copies a single image manifest`);

  for (const blob of [json.config, ...json.layers]) {
    if (await client.headBlob(target, blob.digest)) {
      console.log(`${blob.digest.slice(7, 19)}: already there`);
    } else if (source.registry === target.registry && (await client.mountBlob(target, blob.digest, source.repository))) {
      console.log(`${blob.digest.slice(7, 19)}: mounted from ${source.repository}`);
    } else {
      const chunks = []; // whole blob in memory: fine for an example, stream it for big layers
      for await (const chunk of await client.openBlob(source, blob.digest)) chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      if (digestOf(bytes) !== blob.digest) throw new Error(`blob ${blob.digest} arrived corrupted`);
      await client.putBlob(target, bytes, { digest: blob.digest });
      console.log(`${blob.digest.slice(7, 19)}: copied ${bytes.length} bytes`);
    }
  }
  const put = await client.putManifest(target, manifest.bytes, manifest.mediaType);
  console.log(`${target}: digest: ${put.digest} size: ${put.size}`);
} finally {
  await client.close();
}
