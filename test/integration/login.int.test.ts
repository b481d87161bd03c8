// login / logout against the real docker-registry in htpasswd (Basic) and token (Bearer, with the
// harness's token server) modes: verify before saving, stored credentials used by other commands,
// identity tokens from the token server, and access denied again after logout.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { allOutput, runCli } from '../helpers/run-cli.js';
import { leakedSecrets } from '../helpers/secret-scan.js';
import { readTokenLog, tokenLogMark } from '../helpers/token-log.js';
import { USERS } from '../helpers/users.js';

const available = inject('registriesAvailable');
const dirs: string[] = [];
/** Identity tokens seen in config files: they must never be printed either. */
const identityTokens: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  if (!available) return;
  const secrets = [USERS.alice.password, USERS.bob.password, 'not-the-password', ...identityTokens];
  expect(leakedSecrets(allOutput, secrets, ['alice', 'bob'])).toEqual([]);
});

async function freshConfig() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-login-int-'));
  dirs.push(dir);
  const file = path.join(dir, 'config.json');
  const read = async () => JSON.parse(await fs.readFile(file, 'utf8'));
  return { dir, file, env: { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '' }, read };
}

const login = (host: string, user: keyof typeof USERS, env: NodeJS.ProcessEnv, password: string = USERS[user].password) =>
  runCli(['login', '-u', user, '--password-stdin', host], { env, stdin: `${password}\n` });

describe.skipIf(!available)('login against docker-registry', () => {
  describe('htpasswd (Basic)', () => {
    const host = () => inject('registries').htpasswd.host;

    it('logs in, then manifest inspect and tags of a private repository use the stored credentials', async () => {
      const { env, file, read } = await freshConfig();
      const r = await login(host(), 'alice', env);
      expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
      expect(r.stderr).toContain(`WARNING! Your credentials are stored unencrypted in '${file}'.`);
      expect(await read()).toEqual({ auths: { [host()]: { auth: Buffer.from('alice:alicepw').toString('base64') } } });

      const inspected = await runCli(['manifest', 'inspect', '--verbose', `${host()}/private/hello:v1`], { env });
      expect(inspected.code).toBe(0);
      expect(JSON.parse(inspected.stdout).Descriptor.digest).toBe(inject('seeded')['private/hello:v1']!.digest);
      expect(await runCli(['tags', `${host()}/private/hello`], { env })).toMatchObject({ code: 0, stdout: 'v1\n' });
    });

    it('refuses a wrong password with a clear message, exit 3, and saves nothing', async () => {
      const { env, file } = await freshConfig();
      const r = await login(host(), 'alice', env, 'not-the-password');
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `Error: login attempt to http://${host()}/v2/ failed with status: 401 Unauthorized\nhint: check the user name and password for ${host()}; nothing was saved\n`,
      );
      await expect(fs.access(file)).rejects.toThrow();
    });

    it('after logout the private repository is refused again (exit 3)', async () => {
      const { env, read } = await freshConfig();
      await login(host(), 'alice', env);
      expect(await runCli(['logout', host()], { env })).toMatchObject({ code: 0, stdout: `Removing login credentials for ${host()}\n` });
      expect(await read()).toEqual({ auths: {} });
      const denied = await runCli(['manifest', 'inspect', `${host()}/private/hello:v1`], { env });
      expect(denied.code).toBe(3);
      expect(denied.stderr).toMatch(/^Error: pull access denied for 127\.0\.0\.1:\d+\/private\/hello, repository does not exist or may require 'regctl login': /);
      expect(await runCli(['logout', host()], { env })).toMatchObject({ code: 0, stdout: `Not logged in to ${host()}\n` });
    });
  });

  describe('token (Bearer, token server with refresh tokens)', () => {
    const host = () => inject('registries').token.host;
    const logUrl = () => inject('tokenServer').logUrl;

    it('verifies with an offline token request and stores the refresh token as identitytoken', async () => {
      const { env, read } = await freshConfig();
      const mark = await tokenLogMark(logUrl());
      const r = await login(host(), 'alice', env);
      expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
      const [request] = (await readTokenLog(logUrl(), mark)).filter((e) => e.account === 'alice');
      expect(request).toMatchObject({ method: 'GET', authorization: true, scopes: [], status: 200 });
      expect(request!.query).toEqual({ account: ['alice'], client_id: ['regctl'], offline_token: ['true'], service: ['test-registry'] });
      const entry = (await read()).auths[host()];
      identityTokens.push(entry.identitytoken);
      expect(entry).toEqual({ auth: Buffer.from('alice:').toString('base64'), identitytoken: expect.any(String) });
    });

    it('uses the identity token (OAuth2 refresh grant) for a private repository', async () => {
      const { env, read } = await freshConfig();
      await login(host(), 'bob', env);
      identityTokens.push((await read()).auths[host()].identitytoken);
      const mark = await tokenLogMark(logUrl());
      const inspected = await runCli(['manifest', 'inspect', `${host()}/private/hello:v1`], { env });
      expect(inspected.code).toBe(0);
      const grants = await readTokenLog(logUrl(), mark);
      expect(grants.at(-1)).toMatchObject({ method: 'POST', account: 'bob', scopes: ['repository:private/hello:pull'], status: 200 });
      expect(grants.at(-1)!.form).toMatchObject({ grant_type: 'refresh_token', client_id: 'regctl', service: 'test-registry' });
    });

    it('says so when stored credentials still work', async () => {
      const { env, read } = await freshConfig();
      await login(host(), 'alice', env);
      const before = await read();
      identityTokens.push(before.auths[host()].identitytoken);
      const r = await runCli(['login', host()], { env });
      expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
      expect(r.stderr).toContain('Authenticating with existing credentials... [Username: alice]');
      expect(await read()).toEqual(before);
    });

    it('refuses a wrong password (token server 401), exit 3, saves nothing', async () => {
      const { env, file } = await freshConfig();
      const r = await login(host(), 'alice', env, 'not-the-password');
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(`Error: unauthorized: bad credentials\nhint: check the user name and password for ${host()}; nothing was saved\n`);
      await expect(fs.access(file)).rejects.toThrow();
    });

    it('after logout the private repository is refused with the access-denied message, exit 3', async () => {
      const { env } = await freshConfig();
      await login(host(), 'alice', env);
      expect((await runCli(['manifest', 'inspect', `${host()}/private/hello:v1`], { env })).code).toBe(0);
      expect((await runCli(['logout', host()], { env })).code).toBe(0);
      const denied = await runCli(['manifest', 'inspect', `${host()}/private/hello:v1`], { env });
      expect(denied.code).toBe(3);
      expect(denied.stderr).toMatch(
        /^Error: pull access denied for 127\.0\.0\.1:\d+\/private\/hello, repository does not exist or may require 'regctl login': .+\nhint: run 'regctl login 127\.0\.0\.1:\d+' if the repository is private\n$/,
      );
    });
  });
});
