// `copy` with the local store on either side: the same code path as registry-to-registry
// copy (ImageSource/ImageTarget), digests preserved, every platform of an index kept.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-copy-store-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!available)('copy between the local store and a registry', () => {
  const open = inject('registries').open;
  const seeded = inject('seeded');
  const cli = async (store: string, args: string[]) => runCli(['--config', tmp, '--store', store, ...args]);

  it('registry -> store keeps a whole index, store -> registry puts it back with the same digests', async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    const multi = seeded['demo/multi:v1']!;
    const name = `${open.host}/demo/multi:v1`;
    const into = await cli(store, ['copy', name, `store:${name}`]);
    expect(into.code, into.stderr).toBe(0);
    const index = JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests.map((m) => m.digest)).toEqual([multi.digest]);
    for (const m of multi.manifests) {
      for (const d of [m.digest, m.configDigest, ...m.layerDigests]) {
        await expect(readFile(path.join(store, 'blobs', 'sha256', d.slice(7)))).resolves.toBeInstanceOf(Buffer);
      }
    }
    const out = await cli(store, ['copy', '-q', `store:${name}`, `${open.host}/from-store/multi:v1`]);
    expect(out).toMatchObject({ code: 0, stdout: `${open.host}/from-store/multi:v1\n` });
    const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${open.host}/from-store/multi:v1`]);
    expect(sha256(stdout)).toBe(multi.digest);
  });

  it('store -> registry for a pulled image prints push-style lines', async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    const name = `${open.host}/demo/hello:v1`;
    expect((await cli(store, ['pull', '-q', name])).code).toBe(0);
    const r = await cli(store, ['copy', `store:${name}`, `${open.host}/from-store/hello:v2`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`v2: digest: ${seeded['demo/hello:v1']!.digest}`);
  });

  it('refuses the store on both sides and -a with the store', async () => {
    const store = await mkdtemp(path.join(tmp, 'store-'));
    expect(await cli(store, ['copy', 'store:a:1', 'store:b:1'])).toMatchObject({ code: 2, stderr: 'Error: both sides are the local store: use regctl tag\n' });
    expect((await cli(store, ['copy', '-a', `${open.host}/demo/hello`, 'store:x'])).code).toBe(2);
  });
});
