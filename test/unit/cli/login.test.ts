// `regctl login`: docker's flags, checks, prompts and messages, against a local Basic-auth registry.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NON_TTY_ERROR, PASSWORD_FLAG_WARNING, unencryptedWarning } from '../../../src/cli/actions/login.js';
import { startFakeAuthRegistry, type FakeAuthRegistry } from '../../helpers/fake-auth-registry.js';
import { allOutput, runCli } from '../../helpers/run-cli.js';
import { leakedSecrets } from '../../helpers/secret-scan.js';
import { fakeHelperEnv, makeTempDir, readHelperStore, removeTempDirs, writeJson } from '../config/support.js';

const PASSWORD = 'p@ss:w0rd €';
const OTHER_PASSWORD = 'second-secret';
let registry: FakeAuthRegistry;

beforeAll(async () => {
  registry = await startFakeAuthRegistry({ scheme: 'basic', users: { alice: PASSWORD, bob: OTHER_PASSWORD } });
});

afterAll(async () => {
  await registry.close();
  await removeTempDirs();
  // Every password and Authorization value used in this file, in any spelling, must be absent from everything printed.
  expect(leakedSecrets(allOutput, [PASSWORD, OTHER_PASSWORD, 'wrong-password'], ['alice', 'bob'])).toEqual([]);
});

async function configDir(content?: unknown): Promise<{ dir: string; file: string; env: NodeJS.ProcessEnv }> {
  const dir = await makeTempDir('regctl-login-');
  const file = path.join(dir, 'config.json');
  if (content !== undefined) await writeJson(file, content);
  return { dir, file, env: { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '' } };
}

const readConfig = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8'));
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const exists = (file: string) => fs.access(file).then(() => true, () => false);

describe('login flag checks (docker texts, exit 2, nothing read or written)', () => {
  it.each([
    [['-u', 'alice', '-p', 'x', '--password-stdin'], 'conflicting options: cannot specify both --password and --password-stdin'],
    [['--password-stdin'], 'the --password-stdin option requires --username to be set'],
    [['-u', '', '-p', 'x'], 'username is empty'],
    [['-u', 'alice', '-p', ''], 'password is empty'],
  ])('%j -> %s', async (flags, message) => {
    const { file, env } = await configDir();
    const r = await runCli(['login', ...flags, registry.host], { env, stdin: 'ignored\n' });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`Error: ${message}\n`);
    expect(await exists(file)).toBe(false);
  });

  it('refuses an empty --password-stdin', async () => {
    const { env } = await configDir();
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: '\n' });
    expect(r).toMatchObject({ code: 2, stderr: 'Error: password is empty\n' });
  });

  it('cannot prompt without a terminal', async () => {
    const { file, env } = await configDir();
    for (const flags of [[], ['-u', 'alice']]) {
      const r = await runCli(['login', ...flags, registry.host], { env, stdin: 'alice\npw\n', stdinIsTTY: false });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^Error: ${NON_TTY_ERROR}\nhint: .*--password-stdin`));
    }
    expect(await exists(file)).toBe(false);
  });
});

describe('login', () => {
  it('verifies, saves to config.json with docker\'s warning, and prints Login Succeeded', async () => {
    const { file, env } = await configDir({ HttpHeaders: { 'X-Meta': 'kept' }, proxies: { default: { httpProxy: 'http://p' } } });
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: `${PASSWORD}\n` });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    expect(r.stderr).toBe(`${unencryptedWarning(file)}\n`);
    expect(r.stderr).toContain(`WARNING! Your credentials are stored unencrypted in '${file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n`);
    expect(await readConfig(file)).toEqual({
      HttpHeaders: { 'X-Meta': 'kept' },
      proxies: { default: { httpProxy: 'http://p' } },
      auths: { [registry.host]: { auth: basic('alice', PASSWORD) } },
    });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['\r\n', PASSWORD],
    ['\r', PASSWORD],
  ])('strips one %j from --password-stdin and keeps other whitespace', async (ending, expected) => {
    const { file, env } = await configDir();
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: `${PASSWORD}${ending}` });
    expect(r.code).toBe(0);
    expect((await readConfig(file)).auths[registry.host].auth).toBe(basic('alice', expected));
  });

  it('warns that -p is insecure', async () => {
    const { env } = await configDir();
    const r = await runCli(['login', '-u', 'bob', '-p', OTHER_PASSWORD, registry.host], { env });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(PASSWORD_FLAG_WARNING);
  });

  it('refuses a wrong password with docker\'s message, exit 3, and saves nothing', async () => {
    const before = { auths: { 'other.example': { auth: basic('x', 'y') } } };
    const { file, env } = await configDir(before);
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: 'wrong-password\n' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: login attempt to http://${registry.host}/v2/ failed with status: 401 Unauthorized\nhint: check the user name and password for ${registry.host}; nothing was saved\n`,
    );
    expect(await readConfig(file)).toEqual(before);
  });

  it('prompts on a terminal: visible user name, hidden password', async () => {
    const { file, env } = await configDir();
    const r = await runCli(['login', registry.host], { env, stdin: `alice\n${PASSWORD}\n`, stdinIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Username: Password: Login Succeeded\n');
    expect((await readConfig(file)).auths[registry.host].auth).toBe(basic('alice', PASSWORD));
  });

  it('defaults to Docker Hub and suggests an access token before prompting', async () => {
    const { file, env } = await configDir();
    const r = await runCli(['login'], { env, stdin: '\n', stdinIsTTY: true });
    expect(r).toMatchObject({ code: 2, stderr: 'Error: username is empty\n' });
    expect(r.stdout).toBe(
      'Log in with your Docker ID to push and pull images from Docker Hub.\nUse a Personal Access Token (PAT) instead of your password: https://docs.docker.com/go/access-tokens/\nUsername: ',
    );
    expect(await exists(file)).toBe(false);
  });

  it('asks only for the password when -u is given', async () => {
    const { env } = await configDir();
    const r = await runCli(['login', '-u', 'alice', registry.host], { env, stdin: `${PASSWORD}\n`, stdinIsTTY: true });
    expect(r).toMatchObject({ code: 0, stdout: 'Password: Login Succeeded\n' });
  });

  it('reuses stored credentials that still work, without prompting or rewriting', async () => {
    const { file, env } = await configDir({ auths: { [`https://${registry.host}`]: { auth: basic('alice', PASSWORD) } } });
    const before = await fs.readFile(file, 'utf8');
    const r = await runCli(['login', registry.host], { env, stdinIsTTY: false });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    expect(r.stderr).toBe(
      "Authenticating with existing credentials... [Username: alice]\nTo login with a different account, run 'regctl logout' followed by 'regctl login'\n",
    );
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });

  it('says stored credentials are stale and prompts with the stored user name as default', async () => {
    const { file, env } = await configDir({ auths: { [registry.host]: { auth: basic('alice', 'expired') } } });
    const r = await runCli(['login', registry.host], { env, stdin: `\n${PASSWORD}\n`, stdinIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Stored credentials invalid or expired\n');
    expect(r.stdout).toBe('Username (alice): Password: Login Succeeded\n');
    expect((await readConfig(file)).auths[registry.host].auth).toBe(basic('alice', PASSWORD));
  });

  it('does not pass off a stored bare registry token as a verified login', async () => {
    const { env } = await configDir({ auths: { [registry.host]: { registrytoken: 'opaque-registry-token' } } });
    const r = await runCli(['login', registry.host], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('Authenticating with existing credentials');
    expect(r.stderr).toContain(NON_TTY_ERROR);
  });

  it('fails on stale stored credentials without a terminal', async () => {
    const { env } = await configDir({ auths: { [registry.host]: { auth: basic('alice', 'expired') } } });
    const r = await runCli(['login', registry.host], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Stored credentials invalid or expired\nError: cannot perform an interactive login from a non-TTY device\n');
  });

  it('saves into a credential helper: no warning, only a {} marker in config.json', async () => {
    const { dir, file, env } = await configDir({ credsStore: 'test' });
    const helperEnv = fakeHelperEnv(dir);
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env: { ...env, ...helperEnv }, stdin: PASSWORD });
    expect(r).toMatchObject({ code: 0, stdout: 'Login Succeeded\n', stderr: '' });
    expect(await readConfig(file)).toEqual({ credsStore: 'test', auths: { [registry.host]: {} } });
    expect(await readHelperStore(dir)).toEqual({ [registry.host]: { Username: 'alice', Secret: PASSWORD } });
  });

  it('fails clearly when the helper cannot store, and never falls back to plain text', async () => {
    const { dir, file, env } = await configDir({ credsStore: 'test' });
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], {
      env: { ...env, ...fakeHelperEnv(dir, 'fail') },
      stdin: PASSWORD,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: error saving credentials: error storing credentials - err: exit status 1, out: \`simulated helper failure\`\n` +
        `hint: nothing was saved; fix docker-credential-test (credsStore in ${file}), or remove that setting to keep credentials in config.json\n`,
    );
    expect(await readConfig(file)).toEqual({ credsStore: 'test' });
  });

  it('fails clearly when the configured helper is not installed', async () => {
    const { file, env } = await configDir({ credHelpers: { [registry.host]: 'not-installed' } });
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: PASSWORD });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Error: error saving credentials: exec: "docker-credential-not-installed": executable file not found in $PATH\n');
    expect(r.stderr).toContain(`credHelpers["${registry.host}"] in ${file}`);
    expect(await readConfig(file)).toEqual({ credHelpers: { [registry.host]: 'not-installed' } });
  });

  it('warns once that DOCKER_AUTH_CONFIG takes precedence', async () => {
    const { env } = await configDir();
    const authConfig = JSON.stringify({ auths: { 'ci.example': { auth: basic('ci', 'ci-token') } } });
    const r = await runCli(['login', '-u', 'bob', '--password-stdin', registry.host], { env: { ...env, DOCKER_AUTH_CONFIG: authConfig }, stdin: OTHER_PASSWORD });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/DOCKER_AUTH_CONFIG/g)).toHaveLength(1);
  });

  it('uses the saved credentials for other commands', async () => {
    const { env } = await configDir();
    const ref = `${registry.host}/private/app:v1`;
    const denied = await runCli(['manifest', 'inspect', ref], { env });
    expect(denied.code).toBe(3);
    expect((await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env, stdin: PASSWORD })).code).toBe(0);
    const inspected = await runCli(['manifest', 'inspect', ref], { env });
    expect(inspected.code).toBe(0);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ schemaVersion: 2 });
  });
});
