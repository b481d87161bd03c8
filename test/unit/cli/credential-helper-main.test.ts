// docker-credential-regctl: the helper protocol in-process (every action and error text), then the
// real bin file spawned the way docker spawns it, against a real Secret Service on a private bus.
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialHelperMain } from '../../../src/cli/credential-helper-main.js';
import { VERSION } from '../../../src/cli/version.js';
import { KeyringError } from '../../../src/config/credentials/keyring-client.js';
import { CredentialHelperClient } from '../../../src/config/credentials/helper-process.js';
import { privateKeyringUnavailable, startPrivateKeyring, type PrivateKeyring } from '../../helpers/private-keyring.js';
import { runUnchecked } from '../../helpers/run-process.js';
import { transpilePackage, type TranspiledPackage } from '../../helpers/transpiled-dist.js';

function memoryKeyring() {
  const items = new Map<string, { username: string; secret: string }>();
  return {
    items,
    get: async (url: string) => items.get(url),
    store: async (url: string, username: string, secret: string) => void items.set(url, { username, secret }),
    erase: async (url: string) => void items.delete(url),
    list: async () => Object.fromEntries([...items].map(([url, v]) => [url, v.username])),
  };
}

const fail = async (): Promise<never> => {
  throw new Error('the keyring must not be used');
};

async function call(action: string | undefined, input: string, keyring = memoryKeyring()) {
  let stdout = '';
  let stderr = '';
  const code = await credentialHelperMain(action === undefined ? [] : [action], {
    stdin: Readable.from([Buffer.from(input)]),
    stdout: { write: (c: string | Uint8Array) => ((stdout += c.toString()), true) },
    stderr: { write: (c: string | Uint8Array) => ((stderr += c.toString()), true) },
  }, keyring);
  return { code, stdout, stderr };
}

describe('docker-credential-regctl protocol', () => {
  it('store, get, list, erase', async () => {
    const keyring = memoryKeyring();
    expect(await call('store', '{"ServerURL":"quay.io","Username":"alice","Secret":"pw"}', keyring)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await call('get', 'quay.io\n', keyring)).toEqual({ code: 0, stdout: '{"ServerURL":"quay.io","Username":"alice","Secret":"pw"}\n', stderr: '' });
    expect(await call('list', '', keyring)).toMatchObject({ code: 0, stdout: '{"quay.io":"alice"}\n' });
    expect(await call('erase', 'quay.io', keyring)).toMatchObject({ code: 0, stdout: '' });
    expect(keyring.items.size).toBe(0);
  });

  it('answers docker\'s "not found" text with exit 1', async () => {
    expect(await call('get', 'unknown.example')).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
  });

  it.each([
    ['store', '{"ServerURL":"","Username":"u","Secret":"s"}', 'no credentials server URL'],
    ['store', '{"ServerURL":"quay.io","Username":"","Secret":"s"}', 'no credentials username'],
    ['get', '  \n', 'no credentials server URL'],
    ['erase', '', 'no credentials server URL'],
    ['frobnicate', '', 'docker-credential-regctl: unknown action: frobnicate'],
    ['foo', '', 'docker-credential-regctl: unknown action: foo'],
    [undefined, '', 'Usage: docker-credential-regctl <store|get|erase|list|version>'],
  ])('%s %j -> %s (stdout, exit 1)', async (action, input, message) => {
    expect(await call(action, input)).toMatchObject({ code: 1, stdout: `${message}\n` });
  });

  // docker-credential-helpers' credentials.Serve: the flags answer before any action is looked at.
  it.each(['--version', '-v'])('%s prints the version line and exits 0', async (flag) => {
    expect(await call(flag, '')).toEqual({ code: 0, stdout: `docker-credential-regctl (regctl-cli) ${VERSION}\n`, stderr: '' });
  });

  it.each(['--help', '-h'])('%s prints the usage on stdout and exits 0', async (flag) => {
    expect(await call(flag, '')).toEqual({ code: 0, stdout: 'Usage: docker-credential-regctl <store|get|erase|list|version>\n', stderr: '' });
  });

  it('answers more than one argument with the usage and exit 1, touching no keyring', async () => {
    const untouchable = { get: fail, store: fail, erase: fail, list: fail };
    let stdout = '';
    const io = { stdin: Readable.from([]), stdout: { write: (c: string | Uint8Array) => ((stdout += c.toString()), true) }, stderr: { write: () => true } };
    expect(await credentialHelperMain(['get', 'quay.io'], io, untouchable)).toBe(1);
    expect(stdout).toBe('Usage: docker-credential-regctl <store|get|erase|list|version>\n');
  });

  it('never echoes an unparsable store request (it holds the secret)', async () => {
    const r = await call('store', '{"ServerURL":"quay.io","Secret":"hunter2-leak"');
    expect(r).toMatchObject({ code: 1, stdout: 'invalid credentials JSON on stdin\n' });
  });

  it('prints the bare reason on stdout and the advice on stderr when the keyring fails', async () => {
    const failing = { ...memoryKeyring(), store: async () => Promise.reject(new KeyringError('store', 'the OS keyring is not available: no bus', { missing: true, hint: 'start a Secret Service' })) };
    expect(await call('store', '{"ServerURL":"q","Username":"u","Secret":"s"}', failing)).toEqual({
      code: 1,
      stdout: 'the OS keyring is not available: no bus\n',
      stderr: 'hint: start a Secret Service\n',
    });
  });

  it('prints its version like the docker helpers do', async () => {
    expect(await call('version', '')).toEqual({ code: 0, stdout: `docker-credential-regctl (regctl-cli) ${VERSION}\n`, stderr: '' });
  });
});

describe('bin/docker-credential-regctl.js command line, spawned', () => {
  let pkg: TranspiledPackage;
  beforeAll(async () => {
    pkg = await transpilePackage();
  }, 60_000);
  afterAll(async () => {
    await pkg?.remove();
  });

  // No session bus and no keyring: none of these may need one.
  const spawn = (args: string[]) => runUnchecked(path.join(pkg.binDir, 'docker-credential-regctl'), args, { env: { PATH: process.env.PATH }, input: '' });

  it.each([
    [['--version'], 0, `docker-credential-regctl (regctl-cli) ${VERSION}\n`],
    [['-v'], 0, `docker-credential-regctl (regctl-cli) ${VERSION}\n`],
    [['version'], 0, `docker-credential-regctl (regctl-cli) ${VERSION}\n`],
    [['--help'], 0, 'Usage: docker-credential-regctl <store|get|erase|list|version>\n'],
    [['-h'], 0, 'Usage: docker-credential-regctl <store|get|erase|list|version>\n'],
    [['foo'], 1, 'docker-credential-regctl: unknown action: foo\n'],
    [[], 1, 'Usage: docker-credential-regctl <store|get|erase|list|version>\n'],
  ])('%j exits %i with %j on stdout', async (args, code, stdout) => {
    expect(await spawn(args)).toMatchObject({ code, stdout, stderr: '' });
  });
});

const unavailable = await privateKeyringUnavailable();

describe.skipIf(unavailable)('bin/docker-credential-regctl.js, spawned like docker does', () => {
  let pkg: TranspiledPackage;
  let keyring: PrivateKeyring;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [pkg, keyring] = await Promise.all([transpilePackage(), startPrivateKeyring()]);
    env = { ...keyring.env, PATH: `${pkg.binDir}${path.delimiter}${process.env.PATH}` };
  }, 60_000);

  afterAll(async () => {
    await keyring?.stop();
    await pkg?.remove();
  });

  it('works with the docker-side protocol client, including identity tokens', async () => {
    const client = new CredentialHelperClient('regctl', { env });
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const result = await fn();
      timings[name] = Math.round(performance.now() - start);
      return result;
    };
    await timed('store', () => client.store('127.0.0.1:5000', 'alice', 'spawned-secret'));
    await client.store('https://index.docker.io/v1/', '<token>', 'refresh-xyz');
    expect(await timed('get', () => client.get('127.0.0.1:5000'))).toEqual({ username: 'alice', secret: 'spawned-secret' });
    expect(await timed('list', () => client.list())).toEqual({ '127.0.0.1:5000': 'alice', 'https://index.docker.io/v1/': '<token>' });
    await timed('erase', () => client.erase('127.0.0.1:5000'));
    expect(await client.get('127.0.0.1:5000')).toBeUndefined();
    if (process.env.KEYRING_TIMINGS) console.log(`[keyring] spawned helper ms ${JSON.stringify(timings)}`);
  });

  it('fails clearly without a session bus', async () => {
    const noBus = { PATH: env.PATH, HOME: env.HOME };
    const r = await runUnchecked(path.join(pkg.binDir, 'docker-credential-regctl'), ['get'], { env: noBus, input: 'quay.io' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^the OS keyring is not available: .*DBUS_SESSION_BUS_ADDRESS/);
    expect(r.stderr).toContain('hint: the "regctl" credential store needs a Secret Service');
  });
});
