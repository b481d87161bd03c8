// `regctl delete`: against distribution 2.8 with deletes on (no DELETE by tag there: the
// throw-away-manifest method) and off (405, exit 1 with the setting to change), against
// `regctl registry serve` (DELETE by tag), and on the token registry (the "delete" action is
// asked for; a user without it exits 3). Other tags and repositories are checked with skopeo.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { startEmbeddedRegistry } from '../helpers/embedded-registry.js';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process.js';
import { runUnchecked } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { readTokenLog, tokenLogMark } from '../helpers/token-log.js';
import { USERS, type TestUserName } from '../helpers/users.js';

const available = inject('registriesAvailable');
let tmp: string;
let noDeletes: RunningRegistry | undefined;
let embedded: RunningRegistry | undefined;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-delete-'));
  if (!available) return;
  [noDeletes, embedded] = await Promise.all([startRegistry({ mode: 'open', parentDir: tmp, deletes: false }), startEmbeddedRegistry(tmp)]);
});
afterAll(async () => {
  await Promise.all([noDeletes?.stop(), embedded?.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

const inspectDigest = async (ref: string, creds: string[] = ['--no-creds']) => {
  const r = await runUnchecked('skopeo', ['inspect', '--tls-verify=false', ...creds, '--format', '{{.Digest}}', `docker://${ref}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
};
const tagsOf = async (repo: string, creds: string[] = ['--no-creds']) => {
  const r = await runUnchecked('skopeo', ['list-tags', '--tls-verify=false', ...creds, `docker://${repo}`]);
  return r.code === 0 ? ((JSON.parse(r.stdout) as { Tags: string[] }).Tags ?? []).sort() : [];
};

async function configFor(logins: [host: string, user: TestUserName][] = []): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, 'cfg-'));
  const auths = Object.fromEntries(logins.map(([host, user]) => [host, { auth: Buffer.from(`${user}:${USERS[user].password}`).toString('base64') }]));
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

describe.skipIf(!available)('regctl delete', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');
  const hello = () => seeded['demo/hello:v1']!;

  /** Copies demo/hello into `host/repo` under each tag. */
  async function seed(host: string, repo: string, tags: string[], config?: string): Promise<void> {
    for (const tag of tags) {
      const r = await runCli(['--config', config ?? tmp, 'copy', '-q', `${regs.open.host}/demo/hello:v1`, `${host}/${repo}:${tag}`]);
      expect(r.code, r.stderr).toBe(0);
    }
  }

  it.each([
    ['distribution 2.8 (throw-away manifest)', () => regs.open.host, 'throw-away-manifest'],
    ['regctl registry serve (DELETE by tag)', () => embedded!.host, 'delete-by-tag'],
  ])('%s: --tag-only keeps the other tags, a delete takes every tag on the digest, other repositories untouched', async (_what, hostOf, method) => {
    const host = hostOf();
    const cli = (args: string[]) => runCli(['--config', tmp, ...args]);
    await seed(host, 'del/app', ['a', 'b', 'c']);
    await seed(host, 'del/other', ['a']);

    const dry = await cli(['delete', '--dry-run', `${host}/del/app:a`]);
    expect(dry).toMatchObject({ code: 0, stdout: `Would delete ${host}/del/app@${hello().digest}\n` });
    expect(await tagsOf(`${host}/del/app`)).toEqual(['a', 'b', 'c']);

    const untag = await cli(['--debug', 'delete', '--tag-only', `${host}/del/app:a`]);
    expect(untag).toMatchObject({ code: 0, stdout: `${hello().digest}\n` });
    expect(untag.stderr).toContain(`DEBUG: tag removed by ${method}`);
    expect(await tagsOf(`${host}/del/app`)).toEqual(['b', 'c']);
    expect(await inspectDigest(`${host}/del/app:b`)).toBe(hello().digest);

    const gone = await cli(['delete', `${host}/del/app:b`]);
    expect(gone).toMatchObject({ code: 0, stdout: `${hello().digest}\n` });
    expect(await inspectDigest(`${host}/del/app:c`)).toBeUndefined();
    expect(await tagsOf(`${host}/del/app`)).toEqual([]);
    expect(await inspectDigest(`${host}/del/other:a`)).toBe(hello().digest);

    const missing = await cli(['delete', `${host}/del/app:b`]);
    expect(missing.code).toBe(4);
    expect(missing.stderr.split('\n')[0]).toBe(`Error: no such manifest: ${host}/del/app:b`);
  });

  it('a registry with deletes off: exit 1 naming REGISTRY_STORAGE_DELETE_ENABLED, the tags stay', async () => {
    const host = noDeletes!.host;
    const cli = (args: string[]) => runCli(['--config', tmp, ...args]);
    await seed(host, 'del/app', ['a', 'b']);
    for (const args of [['delete', `${host}/del/app:a`], ['delete', '--tag-only', `${host}/del/app:a`]]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^Error: .*deleting is not supported by 127\.0\.0\.1:\d+\nhint: .*REGISTRY_STORAGE_DELETE_ENABLED=true/);
    }
    expect(await tagsOf(`${host}/del/app`)).toEqual(['a', 'b']);
    expect(await inspectDigest(`${host}/del/app:a`)).toBe(hello().digest);
  });

  it('token auth: the delete action is asked for; a user without it exits 3 and nothing goes', async () => {
    const host = regs.token.host;
    const alice = await configFor([[host, 'alice']]);
    const bob = await configFor([[host, 'bob']]);
    await seed(host, 'team/del', ['a', 'b'], alice);
    const aliceCreds = ['--creds', `alice:${USERS.alice.password}`];

    const mark = await tokenLogMark(inject('tokenServer').logUrl);
    const denied = await runCli(['--config', bob, 'delete', '--tag-only', `${host}/team/del:a`]);
    expect(denied.code).toBe(3);
    expect(denied.stderr.split('\n')[0]).toMatch(/^Error: delete access denied for 127\.0\.0\.1:\d+\/team\/del: /);
    const bobScopes = (await readTokenLog(inject('tokenServer').logUrl, mark)).filter((e) => e.account === 'bob').flatMap((e) => e.scopes);
    expect(bobScopes, bobScopes.join(' ')).toContainEqual(expect.stringMatching(/^repository:team\/del:(.*,)?delete(,|$)/));
    expect(await tagsOf(`${host}/team/del`, aliceCreds)).toEqual(['a', 'b']);

    const ok = await runCli(['--config', alice, 'delete', '--tag-only', `${host}/team/del:a`]);
    expect(ok).toMatchObject({ code: 0, stdout: `${hello().digest}\n` });
    expect(await tagsOf(`${host}/team/del`, aliceCreds)).toEqual(['b']);
  });

  it('the library: deleteTag keeps the other tag, deleteManifest removes the rest, a missing one rejects with REGCTL_NOT_FOUND', async () => {
    const host = regs.open.host;
    await seed(host, 'del/lib', ['x', 'y']);
    const client = new RegistryClient({ configDir: tmp, insecureRegistries: [host] });
    try {
      await expect(client.deleteTag(`${host}/del/lib:x`)).resolves.toEqual({ digest: hello().digest, method: 'throw-away-manifest' });
      expect(await tagsOf(`${host}/del/lib`)).toEqual(['y']);
      await expect(client.deleteManifest(`${host}/del/lib:y`)).resolves.toBe(hello().digest);
      await expect(client.deleteManifest(`${host}/del/lib:y`)).rejects.toMatchObject({ code: 'REGCTL_NOT_FOUND' });
    } finally {
      await client.close();
    }
  });

  it('usage errors exit 2', async () => {
    const r = await runCli(['--config', tmp, 'delete', '--tag-only', `${regs.open.host}/del/app@${hello().digest}`]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('--tag-only needs NAME:TAG') });
  });
});
