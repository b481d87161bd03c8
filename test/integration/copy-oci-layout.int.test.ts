// `copy` with a user's OCI layout directory (oci:DIR[:NAME], skopeo's syntax) on either side,
// against a real distribution registry, skopeo and umoci: digests unchanged both ways, other
// images in the directory kept, nothing of regctl's own left in it, and nothing at all written
// when a copy fails.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const SKOPEO = ['--insecure-policy'];
const REF_NAME = 'org.opencontainers.image.ref.name';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-copy-oci-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface IndexJson {
  manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
}
const readIndex = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as IndexJson;

/** Every path under `dir`, sorted (to prove a failed copy changed nothing). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

describe.skipIf(!available)('copy with oci: layouts', () => {
  const open = inject('registries').open;
  const seeded = inject('seeded');
  const cli = (args: string[]) => runCli(['--config', tmp, '--store', path.join(tmp, 'store'), ...args]);

  it('registry -> oci:DIR:NAME is read by skopeo and umoci, with the digest unchanged and no .regctl inside', async () => {
    const hello = seeded['demo/hello:v1']!;
    const dir = path.join(tmp, 'out-hello');
    const r = await cli(['copy', `${open.host}/demo/hello:v1`, `oci:${dir}:v1`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`v1: digest: ${hello.digest}`);
    const index = await readIndex(dir);
    expect(index.manifests).toEqual([expect.objectContaining({ digest: hello.digest, annotations: { [REF_NAME]: 'v1' } })]);
    expect((await readdir(dir)).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);

    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--dest-tls-verify=false', `oci:${dir}:v1`, `docker://${open.host}/via-skopeo/hello:v1`]);
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${open.host}/via-skopeo/hello:v1`]);
    expect(sha256(raw.stdout)).toBe(hello.digest);

    const bundle = path.join(tmp, 'bundle-hello');
    await run('umoci', ['unpack', '--rootless', '--image', `${dir}:v1`, bundle]);
    expect((await stat(path.join(bundle, 'rootfs'))).isDirectory()).toBe(true);
    const listed = await run('umoci', ['ls', '--layout', dir]);
    expect(listed.stdout.trim()).toBe('v1');
  });

  it('an index skopeo wrote into oci:DIR goes to a registry whole, every digest unchanged', async () => {
    const multi = seeded['demo/multi:v1']!;
    const dir = path.join(tmp, 'skopeo-multi');
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--all', '--src-tls-verify=false', `docker://${open.host}/demo/multi:v1`, `oci:${dir}:multi`]);
    const r = await cli(['copy', `oci:${dir}:multi`, `docker://${open.host}/from-oci/multi:v1`]);
    expect(r.code, r.stderr).toBe(0);
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${open.host}/from-oci/multi:v1`]);
    expect(sha256(raw.stdout)).toBe(multi.digest);
    for (const m of multi.manifests) {
      const child = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${open.host}/from-oci/multi@${m.digest}`]);
      expect(sha256(child.stdout)).toBe(m.digest);
    }
    // Without a NAME, the layout's only image is used.
    const single = await cli(['copy', '-q', `oci:${dir}`, `${open.host}/from-oci/multi:only`]);
    expect(single).toMatchObject({ code: 0, stdout: `${open.host}/from-oci/multi:only\n` });
  });

  it('a Docker-typed image goes into oci:DIR as OCI (as skopeo writes it), so skopeo and umoci read it; blobs unchanged', async () => {
    const hello = seeded['demo/hello:v1']!;
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--format', 'v2s2', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${open.host}/demo/hello:v1`, `docker://${open.host}/v2s2/hello:v1`]);
    const dir = path.join(tmp, 'docker-typed');
    expect((await cli(['copy', `${open.host}/v2s2/hello:v1`, `oci:${dir}:d`])).code).toBe(0);
    const entry = (await readIndex(dir)).manifests[0]!;
    expect(entry.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const manifest = JSON.parse(await readFile(path.join(dir, 'blobs', 'sha256', entry.digest.slice(7)), 'utf8')) as { config: { digest: string }; layers: { digest: string; mediaType: string }[] };
    expect(manifest.config.digest).toBe(hello.manifests[0]!.configDigest);
    expect(manifest.layers.map((l) => l.digest)).toEqual(hello.manifests[0]!.layerDigests);
    expect(manifest.layers.every((l) => l.mediaType.startsWith('application/vnd.oci.image.layer.'))).toBe(true);
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--dest-tls-verify=false', `oci:${dir}:d`, `docker://${open.host}/v2s2-back/hello:v1`]);
    await run('umoci', ['unpack', '--rootless', '--image', `${dir}:d`, path.join(tmp, 'bundle-docker-typed')]);
  });

  it('writing into an existing oci:DIR adds or replaces one NAME and keeps the other images', async () => {
    const hello = seeded['demo/hello:v1']!;
    const multi = seeded['demo/multi:v1']!;
    const dir = path.join(tmp, 'shared');
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--src-tls-verify=false', `docker://${open.host}/demo/hello:v1`, `oci:${dir}:theirs`]);
    expect((await cli(['copy', `${open.host}/demo/multi:v1`, `oci:${dir}:ours`])).code).toBe(0);
    expect((await cli(['copy', `${open.host}/demo/hello:v1`, `oci:${dir}:ours`])).code).toBe(0);
    const names = (await readIndex(dir)).manifests.map((d) => [d.annotations?.[REF_NAME], d.digest]);
    expect(names).toEqual([
      ['theirs', hello.digest],
      ['ours', hello.digest],
    ]);
    expect(multi.digest).not.toBe(hello.digest);
    // Several images and no NAME: the error lists them, exit 4.
    const ambiguous = await cli(['copy', `oci:${dir}`, `${open.host}/x/y:1`]);
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toMatch(/holds 2 images.*theirs, ours/);
    const missing = await cli(['copy', `oci:${dir}:nope`, `${open.host}/x/y:1`]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no image named "nope"');
  });

  it('the store and oci:DIR copy into each other', async () => {
    const hello = seeded['demo/hello:v1']!;
    const dir = path.join(tmp, 'to-store');
    expect((await cli(['copy', `${open.host}/demo/hello:v1`, `oci:${dir}:app`])).code).toBe(0);
    const into = await cli(['copy', `oci:${dir}:app`, 'store:example.com/app:1']);
    expect(into.code, into.stderr).toBe(0);
    const images = await cli(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(images.stdout).toContain('example.com/app:1');
    const back = path.join(tmp, 'from-store');
    expect((await cli(['copy', 'store:example.com/app:1', `oci:${back}:again`])).code).toBe(0);
    expect((await readIndex(back)).manifests[0]!.digest).toBe(hello.digest);
  });

  it('the library copies with the same location strings as the CLI', async () => {
    const hello = seeded['demo/hello:v1']!;
    const dir = path.join(tmp, 'library');
    const client = new RegistryClient({ configDir: tmp, storeDir: path.join(tmp, 'store'), insecureRegistries: [open.host] });
    try {
      const out = await client.copy(`${open.host}/demo/hello:v1`, `oci:${dir}:lib`);
      expect(out).toMatchObject({ ref: `oci:${dir}:lib`, tag: 'lib', digest: hello.digest });
      const back = await client.copy(`oci:${dir}:lib`, `docker://${open.host}/from-library/hello`);
      // No destination tag: the source's name is not a tag, so docker's default.
      expect(back).toMatchObject({ ref: `${open.host}/from-library/hello:latest`, digest: hello.digest });
      await expect(client.copy(`oci:${dir}:other`, `${open.host}/x/y:1`)).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND' });
    } finally {
      await client.close();
    }
  });

  it('bad input: one error line, its exit code, nothing written', async () => {
    const missingDir = await cli(['copy', `oci:${path.join(tmp, 'no-such-dir')}`, `${open.host}/x/y:1`]);
    expect(missingDir.code).toBe(6);
    expect(missingDir.stderr.trim().split('\n')[0]).toMatch(/^Error: .*no such directory/);

    const target = path.join(tmp, 'never-made');
    const absent = await cli(['copy', `${open.host}/demo/absent:v1`, `oci:${target}:v1`]);
    expect(absent.code).toBe(4);
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });

    // A source layout with a blob missing: the existing destination is left exactly as it was.
    const broken = path.join(tmp, 'broken');
    expect((await cli(['copy', `${open.host}/demo/hello:v1`, `oci:${broken}:v1`])).code).toBe(0);
    const layer = seeded['demo/hello:v1']!.manifests[0]!.layerDigests[0]!;
    await rm(path.join(broken, 'blobs', 'sha256', layer.slice(7)));
    const existing = path.join(tmp, 'existing');
    await run('skopeo', [...SKOPEO, 'copy', '--quiet', '--src-tls-verify=false', `docker://${open.host}/demo/multi:v1`, `oci:${existing}:kept`]);
    const before = await tree(existing);
    const failed = await cli(['copy', `oci:${broken}:v1`, `oci:${existing}:new`]);
    expect(failed.code).not.toBe(0);
    expect(await tree(existing)).toEqual(before);

    const wrong = await cli(['copy', 'dir:/tmp/x', `oci:${target}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('supported transports: docker://, store:, oci:, oci-archive:, docker-archive:');
  });
});
