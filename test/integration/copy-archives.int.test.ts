// `regctl copy` with oci-archive: and docker-archive: on either side, through the CLI and the
// transfer engine, against a real distribution registry and skopeo: an index through
// oci-archive with every digest, a skopeo docker-archive (plain layers) into a registry with its
// config and diff_ids kept, archives into and out of the store, and nothing left behind on failure.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const skopeo = (args: string[]) => run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-copy-archives-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!available)('copy with oci-archive: and docker-archive:', () => {
  const open = inject('registries').open;
  const seeded = inject('seeded');
  const cli = (args: string[]) => runCli(['--config', tmp, '--store', path.join(tmp, 'store'), ...args]);
  const raw = async (ref: string) => (await skopeo(['inspect', '--raw', '--tls-verify=false', '--no-creds', `docker://${ref}`])).stdout;

  it('registry -> oci-archive (an index) -> skopeo -> registry keeps every digest', async () => {
    const multi = seeded['demo/multi:v1']!;
    const file = path.join(tmp, 'multi.oci.tar');
    const r = await cli(['copy', `${open.host}/demo/multi:v1`, `oci-archive:${file}:multi`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`multi: digest: ${multi.digest}`);
    await skopeo(['copy', '-q', '--all', '--dest-tls-verify=false', '--dest-no-creds', `oci-archive:${file}:multi`, `docker://${open.host}/via-archive/multi:v1`]);
    expect(sha256(await raw(`${open.host}/via-archive/multi:v1`))).toBe(multi.digest);
    // And back through regctl.
    const back = await cli(['copy', '-q', `oci-archive:${file}:multi`, `${open.host}/via-archive/multi:v2`]);
    expect(back.code, back.stderr).toBe(0);
    expect(sha256(await raw(`${open.host}/via-archive/multi:v2`))).toBe(multi.digest);
  });

  it("a skopeo docker-archive (plain layers) goes to a registry compressed, its config and diff_ids kept; the same archive twice gives one digest", async () => {
    const hello = seeded['demo/hello:v1']!;
    const file = path.join(tmp, 'hello.docker.tar');
    await skopeo(['copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${open.host}/demo/hello:v1`, `docker-archive:${file}:example.com/team/hello:v1`]);
    const first = await cli(['copy', '-q', `docker-archive:${file}:example.com/team/hello:v1`, `${open.host}/from-docker-archive/hello:v1`]);
    expect(first.code, first.stderr).toBe(0);
    const again = await cli(['copy', '-q', `docker-archive:${file}:@0`, `${open.host}/from-docker-archive/hello:v2`]);
    expect(again.code, again.stderr).toBe(0);
    const m1 = await raw(`${open.host}/from-docker-archive/hello:v1`);
    expect(await raw(`${open.host}/from-docker-archive/hello:v2`)).toBe(m1);
    const manifest = JSON.parse(m1) as { config: { digest: string }; layers: { mediaType: string }[] };
    expect(manifest.config.digest).toBe(hello.manifests[0]!.configDigest);
    expect(manifest.layers.every((l) => /gzip/.test(l.mediaType))).toBe(true);
    // skopeo pulls it back and finds the same config.
    const config = (await skopeo(['inspect', '--config', '--raw', '--tls-verify=false', '--no-creds', `docker://${open.host}/from-docker-archive/hello:v1`])).stdout;
    expect(sha256(config)).toBe(hello.manifests[0]!.configDigest);
  });

  it('archives into and out of the store; skopeo reads the docker-archive regctl wrote', async () => {
    const hello = seeded['demo/hello:v1']!;
    const oci = path.join(tmp, 'for-store.oci.tar');
    expect((await cli(['copy', `${open.host}/demo/hello:v1`, `oci-archive:${oci}`])).code).toBe(0);
    const into = await cli(['copy', `oci-archive:${oci}`, 'store:example.com/app:1']);
    expect(into.code, into.stderr).toBe(0);
    const out = path.join(tmp, 'from-store.docker.tar');
    const r = await cli(['copy', 'store:example.com/app:1', `docker-archive:${out}:example.com/app:1`]);
    expect(r.code, r.stderr).toBe(0);
    const config = (await skopeo(['inspect', '--config', '--raw', `docker-archive:${out}:example.com/app:1`])).stdout;
    expect(sha256(config)).toBe(hello.manifests[0]!.configDigest);
  });

  it('bad input: an existing docker-archive is refused untouched (exit 6), a failed copy leaves no file, a missing archive exits 6', async () => {
    const existing = path.join(tmp, 'existing.tar');
    await writeFile(existing, 'not empty');
    const refused = await cli(['copy', `${open.host}/demo/hello:v1`, `docker-archive:${existing}:x/y:1`]);
    expect(refused.code).toBe(6);
    expect(refused.stderr.split('\n')[0]).toContain("docker-archive doesn't support modifying existing images");
    expect(await readFile(existing, 'utf8')).toBe('not empty');

    const never = path.join(tmp, 'never.oci.tar');
    const failed = await cli(['copy', `${open.host}/demo/absent:v1`, `oci-archive:${never}`]);
    expect(failed.code).toBe(4);
    await expect(stat(never)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readdir(tmp)).filter((f) => f.includes('.regctl-'))).toEqual([]);

    const missing = await cli(['copy', `docker-archive:${path.join(tmp, 'nope.tar')}`, `${open.host}/x/y:1`]);
    expect(missing.code).toBe(6);
    const wrongName = await cli(['copy', `oci-archive:${path.join(tmp, 'multi.oci.tar')}:nope`, `${open.host}/x/y:1`]);
    expect(wrongName.code).toBe(4);
  });
});
