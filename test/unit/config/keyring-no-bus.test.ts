// `"credsStore": "regctl"` without a D-Bus session, through the real binding. A file of its own:
// libdbus remembers the session bus address per process, so this cannot share a process with
// the tests that start a private bus.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAuthRegistry, type FakeAuthRegistry } from '../../helpers/fake-auth-registry.js';
import { allOutput, runCli } from '../../helpers/run-cli.js';
import { leakedSecrets } from '../../helpers/secret-scan.js';
import { makeTempDir, removeTempDirs, writeJson } from './support.js';

const PASSWORD = 'keyring-no-bus-password';
let registry: FakeAuthRegistry;
const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;

beforeAll(async () => {
  registry = await startFakeAuthRegistry({ scheme: 'basic', users: { alice: PASSWORD } });
});

afterAll(async () => {
  await registry.close();
  await removeTempDirs();
  if (savedBus !== undefined) process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  expect(leakedSecrets(allOutput, [PASSWORD], ['alice'])).toEqual([]);
});

async function configWithKeyring() {
  const dir = await makeTempDir('regctl-keyring-nobus-');
  const file = path.join(dir, 'config.json');
  await writeJson(file, { credsStore: 'regctl' });
  const env = { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '', PATH: '/usr/bin:/bin' };
  return { env, read: async () => JSON.parse(await fs.readFile(file, 'utf8')) };
}

describe.runIf(process.platform === 'linux')('without a D-Bus session (real binding)', () => {
  beforeAll(() => {
    delete process.env.DBUS_SESSION_BUS_ADDRESS; // never the developer's own keyring
  });

  it('login fails with the reason and advice, and config.json stays as it was', async () => {
    const { env, read } = await configWithKeyring();
    const r = await runCli(['login', '-u', 'alice', '--password-stdin', registry.host], { env: { ...env, DBUS_SESSION_BUS_ADDRESS: '' }, stdin: PASSWORD });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: error saving credentials: error (storing|listing) credentials - err: the OS keyring is not available: .+\nhint: the "regctl" credential store needs a Secret Service .*\(DBUS_SESSION_BUS_ADDRESS\)/);
    expect(await read()).toEqual({ credsStore: 'regctl' });
  });

  it('a public pull still works, with one warning', async () => {
    const { env } = await configWithKeyring();
    const r = await runCli(['manifest', 'inspect', `${registry.host}/public/app:v1`], { env });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/WARNING: cannot get credentials for .* from docker-credential-regctl/g)).toHaveLength(1);
  });
});
