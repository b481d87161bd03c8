// `manifest inspect` and `tags` end to end through the CLI against the real registry in
// every auth mode (open, htpasswd, token, TLS), plus tag pagination from an edge server.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tagPages, sendJson } from '../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../helpers/edge-server.js';
import { allOutput, runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const PASSWORDS = ['alicepw', 'bobpw', 'wrong-password-xyz'];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-mt-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A --config dir whose config.json holds inline credentials for one registry. */
async function configWith(host: string, user: string, password: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, 'cfg-'));
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
  return dir;
}

async function emptyConfig(): Promise<string> {
  return mkdtemp(path.join(tmp, 'empty-'));
}

describe.skipIf(!available)('manifest inspect and tags against the real registry', () => {
  const regs = inject('registries');
  const seeded = inject('seeded');

  describe('open registry', () => {
    it('prints the manifest; --raw gives the exact bytes of the seeded digest', async () => {
      const ref = `${regs.open.host}/demo/hello:v1`;
      const pretty = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', ref]);
      expect(pretty.code).toBe(0);
      expect(JSON.parse(pretty.stdout).schemaVersion).toBe(2);
      const raw = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', '--raw', ref]);
      expect(raw.code).toBe(0);
      expect(sha256(raw.stdout)).toBe(seeded['demo/hello:v1']!.digest);
    });

    it('expands an index with --verbose: one entry per platform with digest and platform', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', '--verbose', `${regs.open.host}/demo/multi:v1`]);
      expect(r.code).toBe(0);
      const entries = JSON.parse(r.stdout) as { Ref: string; Descriptor: { digest: string; platform: { architecture: string } } }[];
      const want = seeded['demo/multi:v1']!.manifests.map((m) => m.digest).sort();
      expect(entries.map((e) => e.Descriptor.digest).sort()).toEqual(want);
      expect(entries.map((e) => e.Descriptor.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
      // docker keeps the tag in each child's Ref: NAME:TAG@DIGEST.
      expect(entries[0]!.Ref).toMatch(new RegExp(`^${regs.open.host}/demo/multi:v1@sha256:`));
      expect(entries[0]).toHaveProperty('OCIManifest.schemaVersion', 2);
    });

    it('adds the platform from the image config for a single manifest with --verbose', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', '-v', `${regs.open.host}/demo/hello:v1`]);
      expect(r.code).toBe(0);
      const entry = JSON.parse(r.stdout) as { Ref: string; Descriptor: { digest: string; platform: unknown }; Raw: string };
      expect(entry.Ref).toBe(`${regs.open.host}/demo/hello:v1`);
      expect(entry.Descriptor.digest).toBe(seeded['demo/hello:v1']!.digest);
      expect(entry.Descriptor.platform).toEqual({ architecture: 'amd64', os: 'linux' });
      expect(sha256(Buffer.from(entry.Raw, 'base64'))).toBe(seeded['demo/hello:v1']!.digest);
    });

    it('says "no such manifest" with exit 4 for an unknown tag', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', `${regs.open.host}/demo/hello:nope`]);
      expect(r).toMatchObject({ code: 4, stdout: '', stderr: `Error: no such manifest: ${regs.open.host}/demo/hello:nope\n` });
    });

    it('lists tags one per line', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'tags', `${regs.open.host}/demo/hello`]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')).toContain('v1');
    });

    it('reports an unknown repository with exit 4', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'tags', `${regs.open.host}/demo/none`]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^Error: repository .*demo\/none not found: name unknown/);
    });
  });

  describe('htpasswd (Basic) registry', () => {
    it('denies anonymous access with the login hint and exit 3', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', `${regs.htpasswd.host}/demo/hello:v1`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("pull access denied for");
      expect(r.stderr).toContain(`hint: run 'regctl login ${regs.htpasswd.host}'`);
    });

    it('uses stored credentials from config.json', async () => {
      const cfg = await configWith(regs.htpasswd.host, 'alice', 'alicepw');
      const r = await runCli(['--config', cfg, 'manifest', 'inspect', '--raw', `${regs.htpasswd.host}/demo/hello:v1`]);
      expect(r.code).toBe(0);
      expect(sha256(r.stdout)).toBe(seeded['demo/hello:v1']!.digest);
    });

    it('fails clearly with a wrong password', async () => {
      const cfg = await configWith(regs.htpasswd.host, 'alice', 'wrong-password-xyz');
      const r = await runCli(['--config', cfg, 'tags', `${regs.htpasswd.host}/demo/hello`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/unauthorized/);
    });
  });

  describe('token (Bearer) registry', () => {
    it('pulls a public manifest with an anonymous token', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', '--raw', `${regs.token.host}/public/hello:v1`]);
      expect(r.code).toBe(0);
      expect(sha256(r.stdout)).toBe(seeded['public/hello:v1']!.digest);
    });

    it('denies a private repository to anonymous users (insufficient scope) with exit 3', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', `${regs.token.host}/private/hello:v1`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`pull access denied for ${regs.token.host}/private/hello, repository does not exist or may require 'regctl login'`);
    });

    it('reads a private repository with authenticated tokens', async () => {
      const cfg = await configWith(regs.token.host, 'alice', 'alicepw');
      const r = await runCli(['--config', cfg, 'manifest', 'inspect', '--raw', `${regs.token.host}/private/hello:v1`]);
      expect(r.code).toBe(0);
      expect(sha256(r.stdout)).toBe(seeded['private/hello:v1']!.digest);
      const tags = await runCli(['--config', cfg, 'tags', `${regs.token.host}/private/hello`]);
      expect(tags).toMatchObject({ code: 0, stdout: 'v1\n' });
    });

    it('fails with exit 3 when the token server refuses the password', async () => {
      const cfg = await configWith(regs.token.host, 'alice', 'wrong-password-xyz');
      const r = await runCli(['--config', cfg, 'manifest', 'inspect', `${regs.token.host}/public/hello:v1`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/unauthorized/);
    });
  });

  describe('TLS registry', () => {
    it('works with the test CA from a certs.d directory', async () => {
      const r = await runCli(['--config', await emptyConfig(), '--certs-dir', inject('certsDir'), 'manifest', 'inspect', '--raw', `${regs.tls.host}/demo/hello:v1`]);
      expect(r.code).toBe(0);
      expect(sha256(r.stdout)).toBe(seeded['demo/hello:v1']!.digest);
    });

    it('fails with a certificate error, a hint and exit 5 without the CA', async () => {
      const r = await runCli(['--config', await emptyConfig(), 'manifest', 'inspect', `${regs.tls.host}/demo/hello:v1`], {
        env: { XDG_CONFIG_HOME: path.join(tmp, 'no-xdg') },
      });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^Error: .*(certificate|verify)/i);
      expect(r.stderr).toContain(`certs.d/${regs.tls.host}/ca.crt`);
    });

    it('accepts the registry when marked insecure', async () => {
      const r = await runCli(['--config', await emptyConfig(), '--insecure-registry', regs.tls.host, 'tags', `${regs.tls.host}/demo/hello`], {
        env: { XDG_CONFIG_HOME: path.join(tmp, 'no-xdg') },
      });
      expect(r).toMatchObject({ code: 0, stdout: 'v1\n' });
    });
  });

  describe('tag pagination (registry that pages; distribution 2.8 ignores n on tags)', () => {
    let edge: EdgeServer;
    afterAll(async () => edge?.close());

    it('lists every tag across more than three pages', async () => {
      edge = await startEdgeServer();
      const tags = Array.from({ length: 25 }, (_, i) => `1.${String(i).padStart(2, '0')}`);
      edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
      edge.on('GET', '/v2/team/app/tags/list', tagPages('team/app', tags, 7));
      const r = await runCli(['--config', await emptyConfig(), 'tags', `${edge.host}/team/app`]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(tags);
      expect(edge.requests.filter((q) => q.url.startsWith('/v2/team/app/tags/list'))).toHaveLength(4);
    });
  });

  it('never printed a password', () => {
    const everything = allOutput.join('\n');
    for (const p of PASSWORDS) expect(everything).not.toContain(p);
  });
});
