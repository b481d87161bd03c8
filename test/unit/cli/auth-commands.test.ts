// `auth k8s-secret` and `auth get`: credentials resolved through a credential helper (a fake
// docker-credential-* on PATH) or config.json, handed out inline. These commands print secrets
// on purpose; the secrets here are this file's own, never the harness users'.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const HELPER_SECRET = 'k8s-helper-secret-1';
const HUB_SECRET = 'hub-helper-secret-2';
const FILE_SECRET = 'file-secret-3';
const IDENTITY_TOKEN = 'refresh-token-4';

let dir: string;
let env: NodeJS.ProcessEnv;

const helperScript = `#!/bin/sh
read server
case "$1:$server" in
  get:reg.example:5000) echo '{"ServerURL":"reg.example:5000","Username":"k8suser","Secret":"${HELPER_SECRET}"}' ;;
  get:https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"${HUB_SECRET}"}' ;;
  get:*) echo 'credentials not found in native keychain'; exit 1 ;;
  *) exit 1 ;;
esac
`;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-auth-cmd-'));
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin);
  await fs.writeFile(path.join(bin, 'docker-credential-fake'), helperScript, { mode: 0o755 });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const config = {
    credHelpers: { 'reg.example:5000': 'fake', 'https://index.docker.io/v1/': 'fake', 'nothing.example': 'fake' },
    auths: {
      'file.example': { auth: b64(`fileuser:${FILE_SECRET}`) },
      'oauth.example': { auth: b64('oauthuser:'), identitytoken: IDENTITY_TOKEN },
    },
  };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  env = { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '', PATH: `${bin}:${process.env.PATH}` };
});

afterAll(() => fs.rm(dir, { recursive: true, force: true }));

function decodeSecretJson(base64: string): { auths: Record<string, { auth: string; identitytoken?: string }> } {
  return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
}

describe('auth k8s-secret', () => {
  it('prints a dockerconfigjson Secret as YAML with inline credentials from a helper and config.json', async () => {
    const r = await runCli(['auth', 'k8s-secret', '--name', 'pull-creds', '--namespace', 'ci', 'reg.example:5000', 'docker.io', 'file.example'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 7)).toEqual([
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: pull-creds',
      '  namespace: ci',
      'type: kubernetes.io/dockerconfigjson',
      'data:',
    ]);
    const encoded = /^ {2}\.dockerconfigjson: ([A-Za-z0-9+/=]+)$/.exec(lines[7]!)?.[1];
    expect(encoded).toBeDefined();
    const config = decodeSecretJson(encoded!);
    expect(Object.keys(config.auths).sort()).toEqual(['file.example', 'https://index.docker.io/v1/', 'reg.example:5000']);
    const plain = (key: string) => Buffer.from(config.auths[key]!.auth, 'base64').toString();
    expect(plain('reg.example:5000')).toBe(`k8suser:${HELPER_SECRET}`);
    expect(plain('https://index.docker.io/v1/')).toBe(`hubuser:${HUB_SECRET}`);
    expect(plain('file.example')).toBe(`fileuser:${FILE_SECRET}`);
  });

  it('prints JSON with --output json, default name regcred and no namespace', async () => {
    const r = await runCli(['auth', 'k8s-secret', '-o', 'json', 'https://reg.example:5000/'], { env });
    expect(r.code).toBe(0);
    const secret = JSON.parse(r.stdout);
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson' });
    expect(secret.metadata.namespace).toBeUndefined();
    expect(Object.keys(decodeSecretJson(secret.data['.dockerconfigjson']).auths)).toEqual(['reg.example:5000']);
  });

  it('keeps an identity token as identitytoken, with an empty password', async () => {
    const r = await runCli(['auth', 'k8s-secret', '-o', 'json', 'oauth.example'], { env });
    expect(r.code).toBe(0);
    const entry = decodeSecretJson(JSON.parse(r.stdout).data['.dockerconfigjson']).auths['oauth.example']!;
    expect(entry.identitytoken).toBe(IDENTITY_TOKEN);
    expect(Buffer.from(entry.auth, 'base64').toString()).toBe('oauthuser:');
  });

  it('refuses a registry without credentials (exit 3), printing no partial secret', async () => {
    const r = await runCli(['auth', 'k8s-secret', 'reg.example:5000', 'nothing.example'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no credentials stored for nothing.example');
    expect(r.stderr).toContain('regctl login nothing.example');
  });

  it('rejects an invalid name, namespace or output format (exit 2)', async () => {
    for (const args of [['--name', 'Bad_Name'], ['--namespace', 'a.b'], ['-o', 'xml']]) {
      const r = await runCli(['auth', 'k8s-secret', ...args, 'reg.example:5000'], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});

describe('auth get', () => {
  it('answers like a credential helper get', async () => {
    const r = await runCli(['auth', 'get', 'reg.example:5000'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Username: 'k8suser', Secret: HELPER_SECRET });
    const hub = await runCli(['auth', 'get', 'docker.io'], { env });
    expect(JSON.parse(hub.stdout)).toEqual({ Username: 'hubuser', Secret: HUB_SECRET });
  });

  it('prints an identity token with the <token> user name', async () => {
    const r = await runCli(['auth', 'get', 'oauth.example'], { env });
    expect(JSON.parse(r.stdout)).toEqual({ Username: '<token>', Secret: IDENTITY_TOKEN });
  });

  it('fails clearly when nothing is stored', async () => {
    const r = await runCli(['auth', 'get', 'nothing.example'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no credentials stored for nothing.example');
  });
});
