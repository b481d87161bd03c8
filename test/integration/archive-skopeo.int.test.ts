// The archive backends against real peers: skopeo copies images out of a real distribution
// registry into oci-archive / docker-archive files that our source reads, and copies the
// archives our destination writes back into the registry. Digests survive wherever the formats
// allow: the manifest (an index too) through oci-archive, the config (image ID, diff_ids)
// through docker-archive, whose plain layers our source gzips.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseImageConfig, parseManifest } from '../../src/oci/manifest.js';
import { transferIntoArchive } from '../../src/ops/archive-transfer.js';
import { openArchiveDestination } from '../../src/store/archive/image-destination.js';
import { openArchiveSource } from '../../src/store/archive/image-source.js';
import { copyImage, sha256 } from '../helpers/archive-fixtures.js';
import { run } from '../helpers/run-process.js';

const available = inject('registriesAvailable');
const uniq = () => randomBytes(4).toString('hex');
const skopeo = (args: string[]) => run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });
const rawManifest = async (ref: string) => (await skopeo(['inspect', '--raw', '--tls-verify=false', '--no-creds', `docker://${ref}`])).stdout;

let tmp: string;
let scratch: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-archive-skopeo-'));
  scratch = await mkdtemp(path.join(tmp, 'scratch-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Archive to archive through our two backends (the source read, the destination committed). */
async function convert(from: ['oci-archive' | 'docker-archive', string, string | undefined], to: ['oci-archive' | 'docker-archive', string, string | undefined]) {
  const src = await openArchiveSource(from[0], from[1], from[2], { tmpDir: scratch });
  const dst = await openArchiveDestination(to[0], to[1], to[2], { tmpDir: scratch, transfer: transferIntoArchive });
  try {
    return { top: await copyImage(src, dst), src };
  } finally {
    await dst.close();
    await src.close();
  }
}

describe.skipIf(!available)('archives with skopeo and the real registry', () => {
  const open = inject('registries').open;
  const seeded = inject('seeded');

  it('registry -> skopeo oci-archive -> ours -> our docker-archive -> skopeo -> registry: the config (image ID) kept', async () => {
    const hello = seeded['demo/hello:v1']!;
    const ociIn = path.join(tmp, 'hello.oci.tar');
    const name = `${open.host}/from/oci:v1`;
    await skopeo(['copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${open.host}/demo/hello:v1`, `oci-archive:${ociIn}:${name}`]);
    const dockerOut = path.join(tmp, 'hello.docker.tar');
    const { top } = await convert(['oci-archive', ociIn, name], ['docker-archive', dockerOut, 'example.com/team/hello:v1']);
    expect(top.digest).toBe(hello.digest); // read byte for byte out of the oci-archive

    // skopeo finds the image by the RepoTags we wrote.
    await skopeo(['inspect', '--raw', `docker-archive:${dockerOut}:example.com/team/hello:v1`]);
    const target = `${open.host}/archives/docker-${uniq()}:v1`;
    await skopeo(['copy', '-q', '--dest-tls-verify=false', '--dest-no-creds', `docker-archive:${dockerOut}:example.com/team/hello:v1`, `docker://${target}`]);
    const pushed = JSON.parse(await rawManifest(target)) as { config: { digest: string } };
    expect(pushed.config.digest).toBe(hello.manifests[0]!.configDigest);
  });

  it('registry -> skopeo docker-archive (plain layers) -> ours (gzip) -> our oci-archive -> skopeo -> registry: diff_ids kept, our blobs pushed', async () => {
    const hello = seeded['demo/hello:v1']!;
    const dockerIn = path.join(tmp, 'plain.docker.tar');
    await skopeo(['copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${open.host}/demo/hello:v1`, `docker-archive:${dockerIn}:${open.host}/plain/hello:v1`]);
    const ociOut = path.join(tmp, 'gz.oci.tar');
    const { top } = await convert(['docker-archive', dockerIn, `${open.host}/plain/hello:v1`], ['oci-archive', ociOut, 'v1']);
    const parsed = parseManifest(top.bytes, top.mediaType);
    if (parsed.kind !== 'image') throw new Error('expected an image');
    expect(parsed.manifest.config.digest).toBe(hello.manifests[0]!.configDigest);
    // Our docker-archive source built a Docker manifest over gzip'd layers; the oci-archive holds it as OCI.
    expect(top.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(parsed.manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+gzip']);

    const target = `${open.host}/archives/gz-${uniq()}:v1`;
    await skopeo(['copy', '-q', '--dest-tls-verify=false', '--dest-no-creds', `oci-archive:${ociOut}:v1`, `docker://${target}`]);
    const raw = await rawManifest(target);
    expect(sha256(raw)).toBe(top.digest); // skopeo pushed our manifest unchanged
    const configOf = async (ref: string) => parseImageConfig(Buffer.from((await skopeo(['inspect', '--config', '--raw', '--tls-verify=false', '--no-creds', `docker://${ref}`])).stdout));
    expect((await configOf(target)).rootfs.diff_ids).toEqual((await configOf(`${open.host}/demo/hello:v1`)).rootfs.diff_ids);
    // umoci reads the layout inside our oci-archive (its ref names, and the image's history from the config).
    const unpacked = await mkdtemp(path.join(tmp, 'umoci-'));
    await run('tar', ['-xf', ociOut, '-C', unpacked]);
    expect((await run('umoci', ['ls', '--layout', unpacked])).stdout.trim()).toBe('v1');
    await run('umoci', ['stat', '--image', `${unpacked}:v1`]);
    // And skopeo can read the layer back: a full copy out of the registry into a layout succeeds.
    await skopeo(['copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${target}`, `oci:${path.join(tmp, 'check-layout')}:x`]);
  });

  it('a multi-platform index travels through our oci-archive source and destination with its digest', async () => {
    const multi = seeded['demo/multi:v1']!;
    const ociIn = path.join(tmp, 'multi.in.tar');
    await skopeo(['copy', '-q', '--all', '--src-tls-verify=false', '--src-no-creds', `docker://${open.host}/demo/multi:v1`, `oci-archive:${ociIn}:m`]);
    const ociOut = path.join(tmp, 'multi.out.tar');
    const { top } = await convert(['oci-archive', ociIn, 'm'], ['oci-archive', ociOut, 'multi:v1']);
    expect(top.digest).toBe(multi.digest);
    const target = `${open.host}/archives/multi-${uniq()}:v1`;
    await skopeo(['copy', '-q', '--all', '--dest-tls-verify=false', '--dest-no-creds', `oci-archive:${ociOut}:multi:v1`, `docker://${target}`]);
    expect(sha256(await rawManifest(target))).toBe(multi.digest);
    expect(await readdir(scratch)).toEqual([]);
  });
});
