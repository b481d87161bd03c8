// The registries people log in to most, reproduced locally (docker-compat.md 4.9): quay's 400 on an
// empty scope=, GHCR's exact service and scope, ECR's Basic auth with user AWS and a long
// password, and ACR-style refresh tokens stored as identity tokens.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeAuthRegistry, type FakeAuthRegistry, type FakeAuthRegistryOptions } from '../../helpers/fake-auth-registry.js';
import { allOutput, runCli } from '../../helpers/run-cli.js';
import { leakedSecrets } from '../../helpers/secret-scan.js';
import { fakeHelperEnv, makeTempDir, readHelperStore, removeTempDirs, writeJson } from '../config/support.js';

const PAT = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const ECR_PASSWORD = `eyJwYXlsb2FkIjoi${'QUJDRA'.repeat(400)}==`; // ECR passwords are ~2-3 KB base64 tokens
const registries: FakeAuthRegistry[] = [];
const issuedTokens: string[] = [];

afterEach(async () => {
  for (const r of registries) issuedTokens.push(...r.refreshTokens, ...r.accessTokens);
  await Promise.all(registries.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await removeTempDirs();
  expect(issuedTokens.length).toBeGreaterThan(0);
  expect(leakedSecrets(allOutput, [PAT, ECR_PASSWORD, ...issuedTokens], ['octocat', 'AWS', 'alice'])).toEqual([]);
});

async function start(options: FakeAuthRegistryOptions): Promise<FakeAuthRegistry> {
  const registry = await startFakeAuthRegistry(options);
  registries.push(registry);
  return registry;
}

async function configDir(content?: unknown) {
  const dir = await makeTempDir('regctl-quirks-');
  const file = path.join(dir, 'config.json');
  if (content !== undefined) await writeJson(file, content);
  return { dir, file, env: { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '' }, read: async () => JSON.parse(await fs.readFile(file, 'utf8')) };
}

const login = (host: string, user: string, secret: string, env: NodeJS.ProcessEnv) =>
  runCli(['login', '-u', user, '--password-stdin', host], { env, stdin: `${secret}\n` });

describe('quay.io: an empty scope= is a 400', () => {
  it('logs in without any scope parameter, then pulls with a repository scope', async () => {
    const quay = await start({ scheme: 'bearer', service: 'quay.io', rejectEmptyScope: true, users: { alice: PAT } });
    const { env } = await configDir();
    expect(await login(quay.host, 'alice', PAT, env)).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    const loginRequest = quay.tokenRequests.at(-1)!;
    expect(loginRequest.query.has('scope')).toBe(false);
    expect(loginRequest.basicUser).toBe('alice');
    expect((await runCli(['manifest', 'inspect', `${quay.host}/private/app:v1`], { env })).code).toBe(0);
    expect(quay.tokenRequests.at(-1)!.query.getAll('scope')).toEqual(['repository:private/app:pull']);
  });
});

describe('ghcr.io: exact service, PATs', () => {
  it('asks the token endpoint with service=ghcr.io and no scope at login, repository scope afterwards', async () => {
    const ghcr = await start({ scheme: 'bearer', service: 'ghcr.io', rejectEmptyScope: true, users: { octocat: PAT } });
    const { env } = await configDir();
    expect((await login(ghcr.host, 'octocat', PAT, env)).code).toBe(0);
    const [loginRequest] = ghcr.tokenRequests;
    expect(loginRequest!.method).toBe('GET');
    expect(Object.fromEntries(loginRequest!.query)).toEqual({ service: 'ghcr.io', account: 'octocat', offline_token: 'true', client_id: 'regctl' });
    expect((await runCli(['manifest', 'inspect', `${ghcr.host}/private/app:v1`], { env })).code).toBe(0);
    const pull = ghcr.tokenRequests.at(-1)!;
    expect(pull.query.get('service')).toBe('ghcr.io');
    expect(pull.query.getAll('scope')).toEqual(['repository:private/app:pull']);
  });

  it('a refused PAT is exit 3 and nothing is saved', async () => {
    const ghcr = await start({ scheme: 'bearer', service: 'ghcr.io', users: { octocat: PAT } });
    const { file, env } = await configDir();
    const r = await login(ghcr.host, 'octocat', 'ghp_revoked', env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: unauthorized: incorrect username or password\nhint: check the user name and password for 127\.0\.0\.1:\d+; nothing was saved\n$/);
    await expect(fs.access(file)).rejects.toThrow();
  });
});

describe('ECR: Basic auth, user AWS, long passwords', () => {
  it('logs in with Basic and stores the whole password', async () => {
    const ecr = await start({ scheme: 'basic', users: { AWS: ECR_PASSWORD } });
    const { env, read } = await configDir();
    expect((await login(ecr.host, 'AWS', ECR_PASSWORD, env)).code).toBe(0);
    const stored = Buffer.from((await read()).auths[ecr.host].auth, 'base64').toString('utf8');
    expect(stored).toBe(`AWS:${ECR_PASSWORD}`);
    expect((await runCli(['manifest', 'inspect', `${ecr.host}/private/app:v1`], { env })).code).toBe(0);
  });
});

describe('refresh tokens (ACR and other OAuth2 token servers)', () => {
  it('stores the refresh token as identitytoken instead of the password, without the plain-text warning', async () => {
    const acr = await start({ scheme: 'bearer', service: 'acr.example', refreshTokens: true, users: { alice: PAT } });
    const { env, read } = await configDir();
    const r = await login(acr.host, 'alice', PAT, env);
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    const [refreshToken] = acr.refreshTokens;
    expect(await read()).toEqual({ auths: { [acr.host]: { auth: Buffer.from('alice:').toString('base64'), identitytoken: refreshToken } } });

    // Later commands trade the identity token for access tokens (OAuth2 refresh grant); the password is gone.
    expect((await runCli(['manifest', 'inspect', `${acr.host}/private/app:v1`], { env })).code).toBe(0);
    const grant = acr.tokenRequests.at(-1)!;
    expect(grant.method).toBe('POST');
    expect(Object.fromEntries(grant.form!)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      service: 'acr.example',
      client_id: 'regctl',
      scope: 'repository:private/app:pull',
    });
  });

  it('prints no password or token with --debug', async () => {
    const acr = await start({ scheme: 'bearer', service: 'acr.example', refreshTokens: true, users: { alice: PAT } });
    const { env } = await configDir();
    const r = await runCli(['--debug', 'login', '-u', 'alice', '--password-stdin', acr.host], { env, stdin: PAT });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('DEBUG: ');
    const pulled = await runCli(['--debug', 'manifest', 'inspect', `${acr.host}/private/app:v1`], { env });
    expect(pulled.stderr).toContain('DEBUG: ');
    expect(leakedSecrets([r.stdout, r.stderr, pulled.stdout, pulled.stderr], [PAT, ...acr.refreshTokens, ...acr.accessTokens], ['alice'])).toEqual([]);
  });

  it('re-login without -u reuses the identity token', async () => {
    const acr = await start({ scheme: 'bearer', service: 'acr.example', refreshTokens: true, users: { alice: PAT } });
    const { env, read } = await configDir();
    await login(acr.host, 'alice', PAT, env);
    const before = await read();
    const r = await runCli(['login', acr.host], { env });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    expect(r.stderr).toContain('Authenticating with existing credentials... [Username: alice]\n');
    expect(await read()).toEqual(before);
  });

  it('keeps the newest refresh token when the server rotates them', async () => {
    const acr = await start({ scheme: 'bearer', service: 'acr.example', refreshTokens: true, rotateRefreshTokens: true, users: { alice: PAT } });
    const { env, read } = await configDir();
    await login(acr.host, 'alice', PAT, env);
    expect((await runCli(['login', acr.host], { env })).code).toBe(0);
    expect(acr.refreshTokens).toHaveLength(2);
    expect((await read()).auths[acr.host].identitytoken).toBe(acr.refreshTokens[1]);
    expect((await runCli(['manifest', 'inspect', `${acr.host}/private/app:v1`], { env })).code).toBe(0);
  });

  it('hands a credential helper the identity token as user <token>', async () => {
    const acr = await start({ scheme: 'bearer', service: 'acr.example', refreshTokens: true, users: { alice: PAT } });
    const { dir, env, read } = await configDir({ credsStore: 'test' });
    const helperEnv = { ...env, ...fakeHelperEnv(dir) };
    expect((await login(acr.host, 'alice', PAT, helperEnv)).code).toBe(0);
    expect(await readHelperStore(dir)).toEqual({ [acr.host]: { Username: '<token>', Secret: acr.refreshTokens[0] } });
    expect(await read()).toEqual({ credsStore: 'test', auths: { [acr.host]: {} } });
    expect((await runCli(['manifest', 'inspect', `${acr.host}/private/app:v1`], { env: helperEnv })).code).toBe(0);
  });

  it('without refresh tokens the password is stored, as docker does for Docker Hub', async () => {
    const hubLike = await start({ scheme: 'bearer', service: 'registry.docker.io', users: { alice: PAT } });
    const { env, read, file } = await configDir();
    const r = await login(hubLike.host, 'alice', PAT, env);
    expect(r.stderr).toContain(`stored unencrypted in '${file}'`);
    expect((await read()).auths[hubLike.host]).toEqual({ auth: Buffer.from(`alice:${PAT}`).toString('base64') });
  });
});
